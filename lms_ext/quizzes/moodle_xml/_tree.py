"""A small element tree read safely (defusedxml: no DTD, no entity declarations, no external references)
in which every element knows the line and column of its start tag."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.expatreader import create_parser

from ..gift import GiftIssue


@dataclass
class Element:
    """An XML element: ``text`` is its own character data (CDATA included, children's text excluded)."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[Element] = field(default_factory=list)
    text: str = ''

    def child(self, tag: str) -> Element | None:
        return next((child for child in self.children if child.tag == tag), None)

    def all(self, tag: str) -> list[Element]:
        return [child for child in self.children if child.tag == tag]

    def walk(self) -> Iterator[Element]:
        """This element and every element inside it, in document order (no recursion: files may nest deeply)."""
        stack = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed(element.children))


class _Builder(ContentHandler):
    def __init__(self, locator) -> None:
        super().__init__()
        self.locator = locator
        self.root: Element | None = None
        self.stack: list[Element] = []
        self.chunks: list[list[str]] = []

    def startElement(self, name, attrs):
        # expat reports the position of the start tag's '<'; its columns are 0-based.
        element = Element(name, dict(attrs), self.locator.getLineNumber(), self.locator.getColumnNumber() + 1)
        if self.stack:
            self.stack[-1].children.append(element)
        else:
            self.root = element
        self.stack.append(element)
        self.chunks.append([])

    def endElement(self, name):
        self.stack.pop().text = ''.join(self.chunks.pop())

    def characters(self, content):
        if self.chunks:
            self.chunks[-1].append(content)


def read_tree(text: str) -> tuple[Element | None, GiftIssue | None]:
    """The document's root element, or the error that stopped the parser (with its position)."""
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder = _Builder(parser)
    parser.setContentHandler(builder)
    try:
        # A str is handed to expat as UTF-8 whatever the declaration says: the text is already decoded.
        parser.feed(text.removeprefix('\ufeff'))
        parser.close()
    except SAXParseException as exc:
        return None, GiftIssue(exc.getLineNumber(), exc.getColumnNumber() + 1,
                               f'the file is not well-formed XML: {exc.getMessage()}')
    except DefusedXmlException as exc:
        return None, GiftIssue(parser.getLineNumber(), parser.getColumnNumber() + 1, _refusal(exc))
    return builder.root, None


def _refusal(exc: DefusedXmlException) -> str:
    if isinstance(exc, DTDForbidden):
        return 'a document type declaration (<!DOCTYPE …>) is not allowed in a Moodle XML file'
    if isinstance(exc, EntitiesForbidden):
        return 'entity declarations (<!ENTITY …>) are not allowed in a Moodle XML file'
    if isinstance(exc, ExternalReferenceForbidden):
        return 'references to external files or addresses are not allowed in a Moodle XML file'
    return f'this XML construct is not allowed: {exc}'
