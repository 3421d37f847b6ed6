"""The event's background page (a WeasyPrint PDF) embedded as a form XObject in the
ReportLab document of each certificate, so one library writes the final file.

The background is parsed once (pypdf) into a frozen plan: every part without indirect
references is serialized to bytes up front; per certificate only the few objects that
point at each other are re-created as ReportLab objects (~1 ms), where parsing the
overlay back and merging with pypdf took ~15 ms.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from reportlab.pdfbase.pdfdoc import PDFObject, xObjectName

FORM_NAME = "PlenaryBackground"


class _Raw(PDFObject):
    """Bytes already in PDF syntax."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


class _Dict(PDFObject):
    def __init__(self, items: list[tuple[bytes, object]]) -> None:
        self.items = items

    def format(self, document) -> bytes:
        parts = [b"<<"]
        for key, value in self.items:
            parts += [key, b" ", _format(value, document), b"\n"]
        parts.append(b">>")
        return b"".join(parts)


class _Array(PDFObject):
    def __init__(self, items: list[object]) -> None:
        self.items = items

    def format(self, document) -> bytes:
        return b"[" + b" ".join(_format(value, document) for value in self.items) + b"]"


class _Stream(PDFObject):
    __RefOnly__ = 1

    def __init__(self, dictionary: _Dict, data: bytes) -> None:
        self.dictionary, self.data = dictionary, data

    def format(self, document) -> bytes:
        items = [*self.dictionary.items, (b"/Length", _Raw(str(len(self.data)).encode()))]
        head = _Dict(items).format(document)
        return head + b"\nstream\n" + self.data + b"\nendstream\n"


def _format(value, document) -> bytes:
    if isinstance(value, _Ref):
        return document.Reference(value.resolve(document)).format(document)
    return value.format(document)


@dataclass
class _Ref:
    plan: BackgroundPlan
    idnum: int

    def resolve(self, document):
        return self.plan.instance(self.idnum, document)


class BackgroundPlan:
    """One background page, ready to be embedded into any number of ReportLab documents."""

    def __init__(self, pdf: bytes) -> None:
        reader = PdfReader(io.BytesIO(pdf))
        page = reader.pages[0]
        self.frozen: dict[int, object] = {}
        box = [float(v) for v in page.mediabox]
        content = zlib.compress(page._get_contents_as_bytes() or b"", 6)
        items = [
            (b"/Type", b"/XObject"),
            (b"/Subtype", b"/Form"),
            (b"/BBox", ("[" + " ".join(f"{v:g}" for v in box) + "]").encode()),
            (b"/Filter", b"/FlateDecode"),
            (b"/Resources", self._freeze(page["/Resources"])),
        ]
        if "/Group" in page:
            items.append((b"/Group", self._freeze(page["/Group"])))
        self.form = ("stream", items, content)
        self._documents: dict[int, dict[int, PDFObject]] = {}

    def _freeze(self, value):
        """Bytes where the value holds no reference; a structure to rebuild where it does."""
        if isinstance(value, IndirectObject):
            if value.idnum not in self.frozen:
                self.frozen[value.idnum] = None  # a cycle comes back as a reference
                self.frozen[value.idnum] = self._freeze_direct(value.get_object(), top=True)
            return ("ref", value.idnum)
        return self._freeze_direct(value)

    def _freeze_direct(self, value, top: bool = False):
        if isinstance(value, StreamObject):
            items = [(k.encode(), self._freeze(v)) for k, v in value.items() if k != "/Length"]
            return ("stream", items, value._data)
        if isinstance(value, DictionaryObject):
            items = [(k.encode(), self._freeze(v)) for k, v in value.items()]
            if all(isinstance(v, bytes) for _, v in items) and not top:
                return self._serialized(value)
            return ("dict", items)
        if isinstance(value, ArrayObject):
            items = [self._freeze(v) for v in value]
            if all(isinstance(v, bytes) for v in items) and not top:
                return self._serialized(value)
            return ("array", items)
        return self._serialized(value)

    @staticmethod
    def _serialized(value) -> bytes:
        out = io.BytesIO()
        value.write_to_stream(out)
        return out.getvalue()

    def instance(self, idnum: int, document) -> PDFObject:
        made = self._documents.setdefault(id(document), {})
        if idnum not in made:
            made[idnum] = self._build(self.frozen[idnum], document)
        return made[idnum]

    def _build(self, frozen, document):
        if isinstance(frozen, bytes):
            return _Raw(frozen)
        kind = frozen[0]
        if kind == "ref":
            return _Ref(self, frozen[1])
        if kind == "array":
            return _Array([self._build(v, document) for v in frozen[1]])
        items = [(k, self._build(v, document)) for k, v in frozen[1]]
        if kind == "stream":
            return _Stream(_Dict(items), frozen[2])
        return _Dict(items)

    def draw(self, canvas) -> None:
        """Draws the background on the canvas's current page, under what comes next."""
        document = canvas._doc
        form = self._build(self.form, document)
        document.Reference(form, xObjectName(FORM_NAME))
        canvas.doForm(FORM_NAME)

    def forget(self, canvas) -> None:
        self._documents.pop(id(canvas._doc), None)
