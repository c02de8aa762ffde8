"""Real identity providers for the sign-in tests, started on 127.0.0.1 on free ports:
an OpenID provider (django-oidc-provider, `oidc_provider_site`) in its own process, and
Debian's OpenLDAP server (`slapd`) with a directory seeded from LDIF."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
SLAPD = "/usr/sbin/slapd"
LDAP_SUFFIX = "dc=example,dc=org"
LDAP_ADMIN = f"cn=admin,{LDAP_SUFFIX}"
LDAP_ADMIN_PASSWORD = "directory-admin-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(ready, what: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer within {timeout} s")


class OpenIDProvider:
    """django-oidc-provider served by `runserver` from its own SQLite file."""

    client_id = "custodia"
    client_secret = "custodia-client-secret-for-tests"

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "oidc_provider_site.settings",
                    "PYTHONPATH": str(HERE), "OP_DB": str(folder / "provider.sqlite3"),
                    "OP_SITE_URL": self.url}
        self.process: subprocess.Popen | None = None

    def django(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "django", *args], env=self.env,
                              capture_output=True, text=True, timeout=120, check=False)
        if done.returncode:
            raise RuntimeError(f"django {args[0]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def shell(self, code: str) -> str:
        return self.django("shell", "-c", textwrap.dedent(code))

    def start(self, redirect_uri: str) -> OpenIDProvider:
        self.django("migrate", "--verbosity", "0")
        self.django("creatersakey")
        self.shell(f"""
            from oidc_provider.models import Client, ResponseType
            client = Client.objects.create(
                name="Custodia", client_type="confidential", client_id={self.client_id!r},
                client_secret={self.client_secret!r}, jwt_alg="RS256", require_consent=False,
                redirect_uris=[{redirect_uri!r}])
            client.scope = ["openid", "email", "profile", "groups"]
            client.save()
            client.response_types.add(ResponseType.objects.get(value="code"))
        """)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until(self._answers, "The OpenID provider", self.process)
        return self

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/openid/.well-known/openid-configuration",
                                timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def add_user(self, username: str, password: str, groups: list[str], email: str) -> None:
        self.shell(f"""
            from django.contrib.auth.models import Group, User
            user = User.objects.create_user({username!r}, email={email!r},
                                            password={password!r}, first_name="Test")
            for name in {groups!r}:
                user.groups.add(Group.objects.get_or_create(name=name)[0])
        """)

    def remove_from_group(self, username: str, group: str) -> None:
        self.shell(f"""
            from django.contrib.auth.models import Group, User
            User.objects.get(username={username!r}).groups.remove(Group.objects.get(name={group!r}))
        """)

    def settings(self) -> dict:
        """Custodia's settings for this provider (what the README's OIDC_* variables set)."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/openid/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/openid/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/openid/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/openid/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256",
        }

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


class LdapServer:
    """slapd with an MDB database in a temporary folder, seeded with people and groups."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, seed_ldif: str) -> LdapServer:
        data = self.folder / "data"
        data.mkdir()
        config = self.folder / "slapd.conf"
        config.write_text(textwrap.dedent(f"""\
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include /etc/ldap/schema/nis.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            pidfile {self.folder}/slapd.pid
            database mdb
            maxsize 10485760
            suffix "{LDAP_SUFFIX}"
            rootdn "{LDAP_ADMIN}"
            rootpw {LDAP_ADMIN_PASSWORD}
            directory {data}
            """))
        self.process = subprocess.Popen([SLAPD, "-f", str(config), "-h", f"{self.uri}/", "-d", "0"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _wait_until(self._answers, "slapd", self.process)
        self._ldap("ldapadd", seed_ldif)
        return self

    def _answers(self) -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def modify(self, ldif: str) -> None:
        self._ldap("ldapmodify", ldif)

    def _ldap(self, tool: str, ldif: str) -> None:
        subprocess.run([shutil.which(tool) or tool, "-x", "-H", self.uri, "-D", LDAP_ADMIN,
                        "-w", LDAP_ADMIN_PASSWORD], input=textwrap.dedent(ldif), text=True,
                       capture_output=True, check=True, timeout=30)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
