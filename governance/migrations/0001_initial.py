"""The governance app's first migration: the app exists; its subdomains add their tables."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = []
