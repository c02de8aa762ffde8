"""Configuration of the inventory app: signals, webhooks, scheduled jobs and navigation."""

from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from datetime import timedelta

        from core.schedules import SCHEDULES
        from core.tasks import HOUSEKEEPING_JOBS
        from inventory import roles, signals  # noqa: F401
        from inventory.services import integrations  # noqa: F401  (registry events → webhooks)

        SCHEDULES["Deprecation and archival triggers"] = (
            "inventory.deprecation_triggers", timedelta(days=1), {})
        SCHEDULES["Retention purge"] = ("inventory.retention_purge", timedelta(days=1), {})
        SCHEDULES["Webhook retries"] = ("inventory.webhook_retry_due", timedelta(seconds=30), {})
        HOUSEKEEPING_JOBS.update({"inventory.webhook_retry_due", "inventory.webhook_deliver"})
        self._register_navigation()

    @staticmethod
    def _register_navigation() -> None:
        InventoryConfig._register_catalogue_navigation()
        from inventory.navigation import register_evidence_navigation

        register_evidence_navigation()
        from inventory.views.panels import register_inventory_panels

        register_inventory_panels()

    @staticmethod
    def _register_catalogue_navigation() -> None:
        """Menu entries and home counters of the catalogue."""
        from django.urls import reverse

        from core.menu import Counter, MenuItem, register_counter, register_menu_item
        from inventory.choices import ModelStage, Redistribution, RiskTier
        from inventory.models import MLModel

        items = [
            ("Inventory", "Models", "inventory:mlmodel_list", "inventory.view_mlmodel",
             "Every registered model, with stage, risk tier and compliance tags"),
            ("Inventory", "Datasets", "inventory:dataset_list", "inventory.view_dataset",
             "Data the models learn from, with sensitivity and residency"),
            ("Inventory", "Features", "inventory:feature_list", "inventory.view_feature",
             "Model inputs and how they are computed"),
            ("Inventory", "Pipelines", "inventory:pipeline_list", "inventory.view_pipeline",
             "Training and inference pipelines and their code"),
            ("Inventory", "Model versions", "inventory:modelversion_list",
             "inventory.view_modelversion",
             "Every version with its stage, branch and aliases"),
            ("Inventory", "Lifecycle board", "inventory:lifecycle_board",
             "inventory.view_modelversion",
             "What is in which stage, due for re-validation, to be deprecated soon"),
            ("Inventory", "Registration completeness", "inventory:completeness",
             "inventory.view_mlmodel",
             "Assets missing mandatory metadata, and what each one misses"),
            ("Inventory", "Licences", "inventory:licence_list", "inventory.view_mlmodel",
             "Third-party and open-weights models: licence, redistribution, attribution"),
            ("Lineage", "Datasets", "inventory:dataset_list", "inventory.view_dataset",
             "The data records that lineage links to model versions"),
            ("Risk", "Risk register", "inventory:risk_register", "inventory.view_mlmodel",
             "Models by risk tier and stage, as a chart and a table"),
        ]
        for section, label, url_name, permission, description in items:
            register_menu_item(MenuItem(section, label, url_name, permission, description))

        def visible(user):
            return MLModel.objects.restrict(user, "view")

        def incomplete(user):
            from inventory.selectors.standards import incomplete_models

            return incomplete_models(user)

        def _licence_constraints(queryset):
            from inventory.selectors.catalogue import mlmodel_licence_constraints

            return mlmodel_licence_constraints(queryset=queryset,
                                               redistribution=(Redistribution.PROHIBITED,))

        models_url = lambda query="": reverse("inventory:mlmodel_list") + query  # noqa: E731
        register_counter(Counter(
            label="Registered models",
            queryset=visible,
            url=models_url,
            permission="inventory.view_mlmodel",
            help_text="Models in the catalogue that you may see.",
        ))
        register_counter(Counter(
            label="Incomplete model registrations",
            queryset=incomplete,
            url=lambda: reverse("inventory:completeness") + "?asset_type=mlmodel",
            permission="inventory.view_mlmodel",
            help_text="Models missing metadata the standard requires.",
            attention=True,
        ))
        register_counter(Counter(
            label="Production models that may not be redistributed",
            queryset=lambda user: _licence_constraints(visible(user)),
            url=lambda: reverse("inventory:licence_list")
            + f"?stage={ModelStage.PRODUCTION}&redistribution={Redistribution.PROHIBITED}",
            permission="inventory.view_mlmodel",
            help_text="Third-party models in production whose licence forbids passing them on.",
            attention=True,
        ))
        register_counter(Counter(
            label="High or critical risk models in production",
            queryset=lambda user: visible(user).filter(
                stage=ModelStage.PRODUCTION, risk_tier__in=[RiskTier.HIGH, RiskTier.CRITICAL]),
            url=lambda: models_url(f"?stage={ModelStage.PRODUCTION}&risk_tier={RiskTier.HIGH}"
                                   f"&risk_tier={RiskTier.CRITICAL}"),
            permission="inventory.view_mlmodel",
            help_text="The models whose failure would hurt most, running now.",
        ))
