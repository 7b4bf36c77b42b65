"""Fixes for two HTML defects of the pinned Sphinx 7.4 / docutils 0.21 that a browser finds.

Loaded from `book/_config.yml` (`sphinx.local_extensions`). Each fix names the upstream change
that makes it unnecessary; `tests/test_browser.py` fails if either defect comes back.
"""

from __future__ import annotations

from typing import Any

import sphinx
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder


def _dedupe_inline_scripts(app: Sphinx) -> None:
    """Register inline `<script>` bodies once, not twice.

    Sphinx 7.4 stores a script added after `Builder.init()` with filename `None` and re-adds it
    from the registry with filename `''` before writing, so the two copies are not recognised as
    equal and each page carries both. sphinx-thebe's `const THEBE_JS_URL = ...` then throws
    "Identifier 'THEBE_JS_URL' has already been declared" on every page. Upstream fix: Sphinx
    PR #13402 (Sphinx 8.2), which jupyter-book 1.x's `sphinx~=7.0` cannot reach. This applies
    the same change: the builder sees `''` in both places.
    """
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder) or sphinx.version_info >= (8, 2):
        return
    add_js_file = builder.add_js_file

    def add_js_file_none_as_empty(filename: str | None, **kwargs: Any) -> None:
        add_js_file(filename or "", **kwargs)

    builder.add_js_file = add_js_file_none_as_empty  # type: ignore[method-assign]


def _visit_citation(self: Any, node: nodes.citation) -> None:
    """docutils' citation markup, with `listitem` in place of the deprecated `doc-biblioentry`.

    docutils 0.21 wraps the bibliography in `role="list"` and gives each entry
    `role="doc-biblioentry"`, a role DPUB-ARIA 1.1 deprecates; a list whose children are not
    list items is a critical axe-core violation (aria-required-children).
    """
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _depart_citation(self: Any, node: nodes.citation) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _dedupe_inline_scripts)
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
