"""Render the generated tree with MkDocs into site/, atomically: a failed build leaves site/ as it was."""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import tempfile
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit


class BuildFailed(Exception):
    pass


def local_address(site_url: str) -> bool:
    """Whether a site_url names this machine (or nothing): fine for a preview, never for publishing,
    where every canonical link, citation, sitemap entry and feed link would point there."""
    host = urlsplit(site_url or "").hostname
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False  # a name: the host it names is the reader's concern
    return address.is_loopback or address.is_unspecified


def settings(config_file: Path) -> dict:
    """mkdocs.yml as MkDocs reads it (its !ENV values and INHERIT), not validated: what a build needs to
    know before MkDocs runs (MkDocs's validation wants the generated tree to exist already)."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, "rb") as handle:
        return {**yaml_load(handle), "config_file_path": str(config_file)}


def load(config_file: Path, **overrides):
    """(MkDocs's configuration, the hooks of mkdocs.yml that hand MkDocs's events to a Build)."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), **overrides)
    adapter = next((p for p in config.plugins.values() if hasattr(p, "attach")), None)
    if adapter is None:
        raise BuildFailed(f"{config_file}: its hooks do not include scripts/mkdocs_hooks.py")
    return config, adapter


def mkdocs_build(config_file: Path, docs_dir: Path, site_dir: Path, build, **overrides) -> None:
    """`mkdocs build --strict` through MkDocs's API, so tests can point it at other trees."""
    from mkdocs.commands import build as mkdocs_build_cmd
    from mkdocs.exceptions import MkDocsException

    adapter = None
    try:
        config, adapter = load(config_file, docs_dir=str(docs_dir), site_dir=str(site_dir), strict=True, **overrides)
        adapter.attach(build)
        mkdocs_build_cmd.build(config)
    except (MkDocsException, SystemExit) as exc:
        raise BuildFailed(str(exc) or "mkdocs build failed") from None
    finally:
        if adapter is not None:
            adapter.attach(None)


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2  # linux/fcntl.h, linux/fs.h


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 with RENAME_EXCHANGE), so that a server
    reading site/ never finds it missing. False where the system or filesystem cannot: nothing moved."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without renameat2
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def publish(config_file: Path, docs_dir: Path, site_dir: Path, build, **overrides) -> None:
    """Build into a temporary sibling of site_dir, then swap it into place."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-staging-", dir=site_dir.parent))
    mask = os.umask(0)
    os.umask(mask)
    staging.chmod(0o777 & ~mask)  # mkdtemp's folder is private (0700); site/ is for a web server to read
    try:
        mkdocs_build(config_file, docs_dir, staging, build, **overrides)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if site_dir.exists() and exchange(staging, site_dir):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the previous site
    else:  # no atomic exchange here: two renames, with a moment between them when site/ is missing
        old = site_dir.with_name(f".site-old-{os.getpid()}")
        if site_dir.exists():
            site_dir.rename(old)
        staging.rename(site_dir)
        shutil.rmtree(old, ignore_errors=True)
    logging.getLogger(__name__).info("site published to %s", site_dir)
