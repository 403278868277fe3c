"""MkDocs's hooks (mkdocs.yml): hand every event of a MkDocs run to the archive's Build
(scripts/archive/site/build.py), which does the work. The Build is the one a caller in this process
attached (`make site`, `make serve`, the tests: archive/site/publish.py), or, when MkDocs runs on its
own (`mike deploy` runs `mkdocs build`), one made from mkdocs.yml that generates the tree first.

MkDocs loads this file by path, so scripts/ need not be on the import path of whatever runs MkDocs.
"""

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.content.errors import ContentErrors  # noqa: E402
from archive.site.build import Build, BuildError  # noqa: E402

_build: Build | None = None  # the build of the MkDocs run under way (hooks are functions: one slot holds it)
_serving = False


def attach(build: Build | None) -> None:
    global _build
    _build = build


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_config(config):
    global _build
    if _build is None:  # MkDocs on its own: `mkdocs serve` previews, anything else publishes
        _build = Build.from_config(Path(config["config_file_path"]), serving=_serving, publishing=not _serving)
    try:
        return _build.on_config(config)
    except BuildError as exc:
        raise PluginError(str(exc)) from None


def on_pre_build(config):
    try:
        _build.on_pre_build(config)
    except ContentErrors as exc:
        raise PluginError("content errors:\n" + "\n".join(map(str, exc.errors))) from None


def on_page_markdown(markdown, page, config, files):
    return _build.on_page_markdown(markdown, page)


def on_page_content(html, page, config, files):
    return _build.on_page_content(html, page)


def on_env(env, config, files):
    _build.on_env(files, config)
    return env


def on_page_context(context, page, config, nav):
    return _build.on_page_context(context, page)


def on_post_page(output, page, config):
    return _policy(output, page.file.abs_dest_path)


def on_post_template(output, template_name, config):
    """Theme pages such as 404.html, written before the pages."""
    return _policy(output, Path(config["site_dir"]) / template_name) if template_name.endswith(".html") else output


def _policy(output, path):
    try:
        return _build.with_policy(output, path)
    except BuildError as exc:
        raise PluginError(str(exc)) from None


def on_post_build(config):
    try:
        _build.on_post_build(config)
    except BuildError as exc:
        raise PluginError(str(exc)) from None  # on_build_error stops what still runs


def on_build_error(error):
    if _build is not None:
        _build.on_build_error()
