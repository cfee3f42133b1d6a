# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The walk of a parsed page: lexbor's nodes read in place, one block a line, every rendering
of a line and its markup row written in the same pass.

selectolax parses the page and owns the tree; this module reads the tree through lexbor's own
node records and the five lexbor functions it needs for names and attributes, looked up by
name in selectolax's extension module (its build exports them), so no lexbor source or header
is copied here.  ``bind`` checks at import that the records read as selectolax reads them.

What a tag does (skipped, block, list, cell, heading, the markup bits it sets) comes from
``rendering.html`` through ``describe_tag``; whether an element is hidden through ``is_hidden``;
the words of a class or id that set markup bits through ``configure``.  ``rendering.html``
documents the rendering; ``tests/test_render_walk.py`` holds the walk this replaced, as its
specification.
"""

from html import escape

import numpy as np

from cpython.unicode cimport (Py_UNICODE_ISSPACE, PyUnicode_DATA, PyUnicode_DecodeUTF8, PyUnicode_KIND,
                              PyUnicode_READ)
from libc.stdint cimport uint64_t, uintptr_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcmp, memset


cdef extern from "<dlfcn.h>":
    void *dlopen(const char *filename, int flags)
    void *dlsym(void *handle, const char *symbol)
    const char *dlerror()
    int RTLD_NOW
    int RTLD_NOLOAD


# lexbor's node record (``lxb_dom_node_t``), its text record and its string, as the lexbor in
# selectolax 1.x lays them out; ``bind`` checks the layout against selectolax.
cdef struct LexborString:
    unsigned char *data
    size_t length

cdef struct LexborNode:
    void *events
    uintptr_t local_name
    uintptr_t prefix
    uintptr_t ns
    void *owner_document
    LexborNode *next
    LexborNode *prev
    LexborNode *parent
    LexborNode *first_child
    LexborNode *last_child
    void *user
    int type

cdef struct LexborText:
    LexborNode node
    LexborString data

ctypedef const unsigned char *(*NameOf)(void *item, size_t *length) noexcept nogil
ctypedef void *(*AttributeAfter)(void *item) noexcept nogil

cdef NameOf element_name = NULL      # lxb_dom_element_qualified_name
cdef NameOf attribute_name = NULL    # lxb_dom_attr_qualified_name
cdef NameOf attribute_value = NULL   # lxb_dom_attr_value_noi
cdef AttributeAfter first_attribute = NULL  # lxb_dom_element_first_attribute_noi
cdef AttributeAfter next_attribute = NULL   # lxb_dom_element_next_attribute_noi

cdef enum:
    ELEMENT_NODE = 1
    TEXT_NODE = 3

# What a tag does, as bits of TagKind.flags.
cdef enum:
    SKIPPED = 1 << 0
    BLOCK = 1 << 1
    CELL = 1 << 2
    LIST = 1 << 3
    LIST_ITEM = 1 << 4
    QUOTE = 1 << 5
    PREFORMATTED = 1 << 6
    BREAK = 1 << 7
    IMAGE = 1 << 8
    ANCHOR = 1 << 9

cdef struct TagKind:
    int flags
    int heading          # 1-6 for h1-h6, else 0
    uint64_t bits        # markup bits the tag sets on its content

cdef enum:
    LEAVE = 0
    LEAVE_LINK = 1

# An element being walked: the child to visit next, and the context it passes to its content
# (the context tuple of the Python walk it replaced, field for field).
cdef struct Frame:
    LexborNode *child
    Py_ssize_t kind          # index into the tag table
    Py_ssize_t index         # among same-tag siblings: its XPath step
    Py_ssize_t serial        # this element's number in the walk (for its children's steps)
    int leave
    uint64_t bits
    int heading
    int depth
    int list_depth
    bint link
    Py_ssize_t block_frame   # the frame of the block the content is in (its tag and XPath)

# Configuration from rendering.html.
cdef object _describe_tag = None
cdef object _is_hidden = None
cdef Py_ssize_t _columns = 0
cdef Py_ssize_t _link_density_column, _links_column, _images_column, _heading_column, _depth_column
cdef enum:
    MAX_FLAGS = 64
cdef Py_ssize_t _flag_column[MAX_FLAGS]  # markup column of each bit
cdef Py_ssize_t _flag_count = 0
# Tag ids below this are lexbor's fixed ids for known tags; larger ones are per document.
cdef enum:
    FIXED_IDS = 4096


def bind(str library_path):
    """Find lexbor's functions in selectolax's extension module (already loaded)."""
    global element_name, attribute_name, attribute_value, first_attribute, next_attribute
    handle = dlopen(library_path.encode(), RTLD_NOW | RTLD_NOLOAD)
    if handle == NULL:
        raise ImportError(f"cannot open {library_path}: {dlerror().decode()}")
    found = {}
    for symbol in (b"lxb_dom_element_qualified_name", b"lxb_dom_attr_qualified_name",
                   b"lxb_dom_attr_value_noi", b"lxb_dom_element_first_attribute_noi",
                   b"lxb_dom_element_next_attribute_noi"):
        address = dlsym(handle, symbol)
        if address == NULL:
            raise ImportError(f"{library_path} does not export {symbol.decode()}")
        found[symbol] = <uintptr_t> address
    element_name = <NameOf> <uintptr_t> found[b"lxb_dom_element_qualified_name"]
    attribute_name = <NameOf> <uintptr_t> found[b"lxb_dom_attr_qualified_name"]
    attribute_value = <NameOf> <uintptr_t> found[b"lxb_dom_attr_value_noi"]
    first_attribute = <AttributeAfter> <uintptr_t> found[b"lxb_dom_element_first_attribute_noi"]
    next_attribute = <AttributeAfter> <uintptr_t> found[b"lxb_dom_element_next_attribute_noi"]


# Class and id words (lower-case ASCII), grouped by first letter: word w is the characters
# _word_chars[_word_start[w]:_word_start[w] + _word_length[w]] and sets the bits _word_bits[w];
# the words beginning with letter c are _first_word[c] to _first_word[c + 1].
cdef enum:
    MAX_CLASS_WORDS = 512
    MAX_CLASS_CHARS = 8192
cdef unsigned char _word_chars[MAX_CLASS_CHARS]
cdef Py_ssize_t _word_start[MAX_CLASS_WORDS]
cdef Py_ssize_t _word_length[MAX_CLASS_WORDS]
cdef uint64_t _word_bits[MAX_CLASS_WORDS]
cdef Py_ssize_t _first_word[129]


def configure(describe_tag, is_hidden, list class_words, Py_ssize_t columns, dict column_of,
              list flag_columns):
    """What tags and attributes do, which words in a class or id set which markup bit
    (``class_words``: (word, bit) pairs), and where the markup row's columns are
    (``flag_columns``: the column of each markup bit, bit 0 first)."""
    global _describe_tag, _is_hidden, _columns, _flag_count, _tags
    global _link_density_column, _links_column, _images_column, _heading_column, _depth_column
    _describe_tag, _is_hidden = describe_tag, is_hidden
    cdef Py_ssize_t number = 0, used = 0, first
    ordered = sorted(class_words, key=lambda pair: pair[0][:1])
    if len(ordered) > MAX_CLASS_WORDS or sum(len(word) for word, _ in ordered) > MAX_CLASS_CHARS:
        raise ValueError("too many class words")
    for first in range(129):
        _first_word[first] = 0
    for word, bit in ordered:
        if not word or not word.isascii() or word != word.lower():
            raise ValueError(f"class words are lower-case ASCII: {word!r}")
        _word_start[number], _word_length[number] = used, len(word)
        _word_bits[number] = (<uint64_t> 1) << bit
        for c in word.encode():
            _word_chars[used] = c
            used += 1
        _first_word[ord(word[0]) + 1] = number + 1
        number += 1
    for first in range(1, 129):  # letters no word starts with: an empty range
        if _first_word[first] < _first_word[first - 1]:
            _first_word[first] = _first_word[first - 1]
    _columns = columns
    _link_density_column = column_of["link_density"]
    _links_column = column_of["links"]
    _images_column = column_of["images"]
    _heading_column = column_of["heading_level"]
    _depth_column = column_of["depth"]
    if len(flag_columns) > MAX_FLAGS:
        raise ValueError(f"at most {MAX_FLAGS} markup flags")
    for bit, column in enumerate(flag_columns):
        _flag_column[bit] = column
    _flag_count = len(flag_columns)
    _tags = _Tags()


# Tag names a table keeps before walks start a new one (known tags are about 150).
cdef enum:
    KEPT_TAGS = 4096

_FLAG_OF_WORD = {"skipped": SKIPPED, "block": BLOCK, "cell": CELL, "list": LIST,
                 "list_item": LIST_ITEM, "quote": QUOTE, "preformatted": PREFORMATTED,
                 "break": BREAK, "image": IMAGE, "anchor": ANCHOR}


cdef class _Tags:
    """What each tag name seen so far does, by number (its kind).

    Shared by the walks of a process, which may run in several threads: entries are only
    added, a name gets one kind for the table's life, and a walk copies what it reads
    before it calls Python.  When names that pages invent fill it, walks that start later
    get a new table; walks under way keep theirs."""

    cdef TagKind *kinds
    cdef Py_ssize_t size, capacity
    cdef list names        # kind -> name
    cdef list html_tag     # kind -> the tag a line's HTML rendering uses
    cdef dict of_name      # name -> kind
    cdef Py_ssize_t fixed_kind[FIXED_IDS]   # lexbor's fixed tag ids -> kind (-1: not yet)

    def __cinit__(self):
        self.kinds = NULL
        self.size = self.capacity = 0
        self.names, self.html_tag, self.of_name = [], [], {}
        memset(self.fixed_kind, 0xff, sizeof(self.fixed_kind))

    def __dealloc__(self):
        free(self.kinds)

    cdef Py_ssize_t named(self, str name) except -1:
        """The kind of a tag name, made the first time the name is seen."""
        cdef Py_ssize_t kind, capacity
        cdef TagKind *grown
        cdef TagKind entry
        found = self.of_name.get(name)
        if found is not None:
            return found
        words, heading, bits, html_tag = _describe_tag(name)
        found = self.of_name.get(name)  # another thread may have added it meanwhile
        if found is not None:
            return found
        entry.flags, entry.heading, entry.bits = 0, heading, bits
        for word in words:
            entry.flags |= _FLAG_OF_WORD[word]
        if self.size == self.capacity:
            capacity = max(64, 2 * self.capacity)
            grown = <TagKind *> realloc(self.kinds, capacity * sizeof(TagKind))
            if grown == NULL:
                raise MemoryError()
            self.kinds, self.capacity = grown, capacity
        kind = self.size
        self.kinds[kind] = entry
        self.names.append(name)
        self.html_tag.append(html_tag)
        self.size += 1
        self.of_name[name] = kind
        return kind

    cdef Py_ssize_t of_element(self, LexborNode *node, dict document_kinds) except -2:
        """The kind of an element, or -1 for one without a name (never walked)."""
        cdef size_t length = 0
        cdef const unsigned char *name
        cdef Py_ssize_t kind
        cdef uintptr_t tag_id = node.local_name
        if node.prefix == 0:
            if tag_id < FIXED_IDS:
                if self.fixed_kind[tag_id] != -1:
                    return self.fixed_kind[tag_id]
            else:
                found = document_kinds.get(tag_id)
                if found is not None:
                    return found
        name = element_name(node, &length)
        if name == NULL or length == 0:
            return -1
        text = PyUnicode_DecodeUTF8(<const char *> name, length, "replace")
        kind = -1 if text[0] == "-" else self.named(text)
        if node.prefix == 0:
            if tag_id < FIXED_IDS:
                self.fixed_kind[tag_id] = kind
            else:
                document_kinds[tag_id] = kind
        return kind


cdef _Tags _tags = _Tags()


cdef str _collapse(str text):
    """Runs of white space as one space, none at the ends (``" ".join(text.split())``: the
    white space of ``re``'s ``\\s+`` and of ``str.split`` are the same), without building a new
    string for text that is so already."""
    cdef Py_ssize_t i, n = len(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    cdef bint after_space = True  # the start counts as a space: no white space may lead
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if Py_UNICODE_ISSPACE(c):
            if c != u' ' or after_space:
                return " ".join(text.split())
            after_space = True
        else:
            after_space = False
    if n and after_space:  # white space at the end
        return " ".join(text.split())
    return text


cdef str _decode(const unsigned char *data, size_t length):
    if data == NULL:
        return None
    return PyUnicode_DecodeUTF8(<const char *> data, length, "replace")


cdef str _text_of(LexborNode *node):
    cdef LexborText *text = <LexborText *> node
    if text.data.data == NULL:
        return ""
    return PyUnicode_DecodeUTF8(<const char *> text.data.data, text.data.length, "replace")


# The attributes the walk reads; as in a dict of them, the last of a name wins.
cdef enum:
    A_CLASS, A_ID, A_HIDDEN, A_ARIA_HIDDEN, A_STYLE, A_HREF, A_ALT, A_SRC, A_COUNT

cdef int _attribute_slot(const unsigned char *name, size_t length) noexcept nogil:
    if length == 2 and memcmp(name, b"id", 2) == 0:
        return A_ID
    if length == 3:
        if memcmp(name, b"alt", 3) == 0:
            return A_ALT
        if memcmp(name, b"src", 3) == 0:
            return A_SRC
    elif length == 4 and memcmp(name, b"href", 4) == 0:
        return A_HREF
    elif length == 5:
        if memcmp(name, b"class", 5) == 0:
            return A_CLASS
        if memcmp(name, b"style", 5) == 0:
            return A_STYLE
    elif length == 6 and memcmp(name, b"hidden", 6) == 0:
        return A_HIDDEN
    elif length == 11 and memcmp(name, b"aria-hidden", 11) == 0:
        return A_ARIA_HIDDEN
    return -1


cdef struct Attributes:
    bint any                             # the element has attributes
    bint present[A_COUNT]
    const unsigned char *value[A_COUNT]  # NULL for an attribute without a value
    size_t length[A_COUNT]


cdef void _read_attributes(LexborNode *node, Attributes *out) noexcept nogil:
    cdef void *attribute = first_attribute(node)
    cdef const unsigned char *name
    cdef size_t length = 0
    cdef int slot
    memset(out, 0, sizeof(Attributes))
    while attribute != NULL:
        out.any = True
        name = attribute_name(attribute, &length)
        slot = _attribute_slot(name, length) if name != NULL else -1
        if slot >= 0:
            out.present[slot] = True
            out.value[slot] = attribute_value(attribute, &length)
            out.length[slot] = length if out.value[slot] != NULL else 0
        attribute = next_attribute(attribute)


cdef str _value(Attributes *attributes, int slot):
    return _decode(attributes.value[slot], attributes.length[slot])


cdef uint64_t _class_word_bits(str text) noexcept:
    """The markup bits of the class words in ``text`` (lower-cased): at each place not after a
    letter a-z, the longest word there, and the search goes on after it (as ``re.finditer``
    with ``(?<![a-z])`` and the words as a prefix tree)."""
    cdef uint64_t bits = 0, found_bits = 0
    cdef Py_ssize_t i = 0, n = len(text), longest, size, j, w
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t c, before = 0  # code points, as numbers
    while i < n:
        c = <Py_ssize_t> PyUnicode_READ(kind, data, i)
        if c < 128 and not (97 <= before <= 122):  # not after a-z
            longest = 0
            for w in range(_first_word[c], _first_word[c + 1]):
                size = _word_length[w]
                if size > longest and i + size <= n:
                    for j in range(1, size):
                        if <Py_ssize_t> PyUnicode_READ(kind, data, i + j) != _word_chars[_word_start[w] + j]:
                            break
                    else:
                        longest, found_bits = size, _word_bits[w]
            if longest:
                bits |= found_bits
                i += longest
                before = <Py_ssize_t> PyUnicode_READ(kind, data, i - 1)
                continue
        before = c
        i += 1
    return bits


cdef bint _hidden(Attributes *attributes) except -1:
    if not (attributes.present[A_HIDDEN] or attributes.present[A_ARIA_HIDDEN]
            or attributes.present[A_STYLE]):
        return False
    return _is_hidden(attributes.present[A_HIDDEN], _value(attributes, A_ID),
                      _value(attributes, A_ARIA_HIDDEN), _value(attributes, A_STYLE))


cdef class _SiblingSteps:
    """How many children of one element came so far with each tag: an open-addressing table
    keyed by (parent's walk number, tag), so an XPath step costs the same under any parent."""

    cdef Py_ssize_t *parents   # 0 for an empty slot (walk numbers start at 1)
    cdef Py_ssize_t *kinds
    cdef Py_ssize_t *counts
    cdef Py_ssize_t capacity, used

    def __cinit__(self):
        self.capacity = self.used = 0
        self._grow(1024)

    def __dealloc__(self):
        free(self.parents)
        free(self.kinds)
        free(self.counts)

    cdef int _grow(self, Py_ssize_t capacity) except -1:
        cdef Py_ssize_t *old_parents = self.parents
        cdef Py_ssize_t *old_kinds = self.kinds
        cdef Py_ssize_t *old_counts = self.counts
        cdef Py_ssize_t old_capacity = self.capacity, i
        cdef Py_ssize_t *parents = <Py_ssize_t *> calloc(capacity, sizeof(Py_ssize_t))
        cdef Py_ssize_t *kinds = <Py_ssize_t *> malloc(capacity * sizeof(Py_ssize_t))
        cdef Py_ssize_t *counts = <Py_ssize_t *> malloc(capacity * sizeof(Py_ssize_t))
        if parents == NULL or kinds == NULL or counts == NULL:
            free(parents)
            free(kinds)
            free(counts)
            raise MemoryError()
        self.parents, self.kinds, self.counts = parents, kinds, counts
        self.capacity, self.used = capacity, 0
        for i in range(old_capacity):
            if old_parents[i]:
                self._add(old_parents[i], old_kinds[i], old_counts[i])
        free(old_parents)
        free(old_kinds)
        free(old_counts)
        return 0

    cdef Py_ssize_t _add(self, Py_ssize_t parent, Py_ssize_t kind, Py_ssize_t count) noexcept:
        cdef size_t mask = <size_t> (self.capacity - 1)
        cdef size_t slot = ((<size_t> parent * <size_t> 0x9E3779B97F4A7C15)
                            ^ (<size_t> kind * <size_t> 0xC2B2AE3D27D4EB4F)) >> 17 & mask
        while self.parents[slot] and not (self.parents[slot] == parent and self.kinds[slot] == kind):
            slot = (slot + 1) & mask
        if not self.parents[slot]:
            self.parents[slot], self.kinds[slot], self.counts[slot] = parent, kind, 0
            self.used += 1
        self.counts[slot] += count
        return self.counts[slot]

    cdef Py_ssize_t next_step(self, Py_ssize_t parent, Py_ssize_t kind) except -1:
        if 2 * (self.used + 1) > self.capacity:
            self._grow(2 * self.capacity)
        return self._add(parent, kind, 1)


cdef class _Walk:
    """The stack of elements being walked, with each one's XPath made when a block needs it."""

    cdef Frame *frames
    cdef Py_ssize_t size, capacity
    cdef list frame_paths      # per frame: its XPath, or None until asked for
    cdef _Tags tags            # the tag table this walk reads
    # Per element by walk number (0: the empty path above the top element): its parent's
    # number (the top element is its own parent), its depth and the length of its XPath.
    cdef Py_ssize_t *elements
    cdef Py_ssize_t elements_capacity
    cdef _SiblingSteps steps
    cdef Py_ssize_t serial

    def __cinit__(self):
        self.capacity = 64
        self.frames = <Frame *> malloc(self.capacity * sizeof(Frame))
        if self.frames == NULL:
            raise MemoryError()
        self.size = 0
        self.frame_paths = []
        self.steps = _SiblingSteps()
        self.serial = 0
        self.elements_capacity = 256
        self.elements = <Py_ssize_t *> calloc(3 * self.elements_capacity, sizeof(Py_ssize_t))
        if self.elements == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.frames)
        free(self.elements)

    cdef int record(self, Frame *frame) except -1:
        """Keep the element's parent, depth and XPath length (for the text-share columns)."""
        cdef Py_ssize_t *grown
        cdef Py_ssize_t number = frame.serial, parent, digits = 1, index = frame.index
        if number >= self.elements_capacity:
            grown = <Py_ssize_t *> realloc(self.elements, 6 * self.elements_capacity * sizeof(Py_ssize_t))
            if grown == NULL:
                raise MemoryError()
            self.elements, self.elements_capacity = grown, 2 * self.elements_capacity
        parent = self.frames[self.size - 2].serial if self.size > 1 else number
        while index >= 10:
            index //= 10
            digits += 1
        self.elements[3 * number] = parent
        self.elements[3 * number + 1] = self.size
        self.elements[3 * number + 2] = (
            (self.elements[3 * parent + 2] if parent != number else 0)
            + len(<str> self.tags.names[frame.kind]) + digits + 3)
        return 0

    def element_table(self):
        """The element records as an array of (parent, depth, XPath length) rows."""
        cdef Py_ssize_t[:, ::1] view = <Py_ssize_t[:self.serial + 1, :3]> self.elements
        return np.asarray(view).copy()

    cdef Frame *push(self) except NULL:
        cdef Frame *grown
        if self.size == self.capacity:
            grown = <Frame *> realloc(self.frames, 2 * self.capacity * sizeof(Frame))
            if grown == NULL:
                raise MemoryError()
            self.frames, self.capacity = grown, 2 * self.capacity
        self.size += 1
        self.frame_paths.append(None)
        self.serial += 1
        self.frames[self.size - 1].serial = self.serial
        return &self.frames[self.size - 1]

    cdef void pop(self):
        self.size -= 1
        self.frame_paths.pop()

    cdef str path(self, Py_ssize_t at):
        """The XPath of the element at frame ``at``: its ancestors' steps and its own."""
        cdef Py_ssize_t start = at
        cdef Frame *frame
        if at < 0:
            return ""
        while start > 0 and self.frame_paths[start - 1] is None:
            start -= 1
        path = self.frame_paths[start - 1] if start > 0 else ""
        for i in range(start, at + 1):
            frame = &self.frames[i]
            path = f"{path}/{self.tags.names[frame.kind]}[{frame.index}]"
            self.frame_paths[i] = path
        return path

    cdef str block_tag(self, Py_ssize_t at):
        return "p" if at < 0 else self.tags.html_tag[self.frames[at].kind]

    cdef str block_path(self, Py_ssize_t at):
        if at < 0:
            return ""
        found = self.frame_paths[at]
        return found if found is not None else self.path(at)


cdef class _Lines:
    """Collects a line's text and flushes it at block boundaries.

    A line's raw text pieces go to ``parts``; what Markdown and HTML add between them (link
    brackets and tags, images, the gap between table cells) goes to ``marks`` with the number
    of pieces before it, so the two renderings are built only for the lines that have text.
    """

    cdef public list lines, prefixes, markdown, html, paths
    cdef public list line_elements  # per line, the walk number of its block element
    cdef list parts, marks, open_links
    cdef int preformatted
    cdef bint filled
    cdef str prefix, md_prefix
    # The context of the line's first visible text (has_context False: none yet).
    cdef bint has_context
    cdef uint64_t context_bits
    cdef int context_heading, context_depth
    cdef str context_tag, context_path
    cdef Py_ssize_t context_element
    cdef Py_ssize_t chars, link_chars, links, images
    cdef uint64_t bits
    cdef double[:, ::1] rows
    cdef Py_ssize_t row_count

    def __cinit__(self):
        self.lines, self.prefixes, self.markdown, self.html, self.paths = [], [], [], [], []
        self.line_elements = []
        self.open_links = []
        self.preformatted = 0
        self.rows = np.zeros((64, _columns))
        self.row_count = 0
        self._start_line()

    cdef int _start_line(self) except -1:
        # (pieces before it, raw text, Markdown, HTML): links still open carry over.
        self.parts = []
        self.marks = [(0, "", "[", f'<a href="{escape(href)}">')
                      for href in self.open_links] if self.open_links else []
        self.filled = False  # whether a text piece or a cell gap came in since the last line
        self.prefix = self.md_prefix = ""
        self.has_context = False
        self.chars = self.link_chars = self.links = self.images = 0
        self.bits = 0
        return 0

    cdef int text(self, str value, Frame *frame, _Walk stack) except -1:
        cdef list chunks
        cdef Py_ssize_t i
        if self.preformatted:
            chunks = value.split("\n")
            self.add(chunks[0], frame, stack)
            for i in range(1, len(chunks)):
                self.flush()
                self.add(chunks[i], frame, stack)
        else:
            self.add(value, frame, stack)
        return 0

    cdef int add(self, str value, Frame *frame, _Walk stack) except -1:
        """A piece of text in ``frame``'s context; the line's first visible one sets the
        line's context (its block's tag, XPath and walk number from ``stack``)."""
        cdef Py_ssize_t visible
        self.parts.append(value)
        self.filled = True
        visible = len(value.strip())
        if visible:
            if not self.has_context:
                self.has_context = True
                self.context_bits, self.context_heading = frame.bits, frame.heading
                self.context_depth = frame.depth
                self.context_tag = stack.block_tag(frame.block_frame)
                self.context_path = stack.block_path(frame.block_frame)
                self.context_element = (stack.frames[frame.block_frame].serial
                                        if frame.block_frame >= 0 else 0)
            self.chars += visible
            if frame.link:
                self.link_chars += visible
            self.bits |= frame.bits
        return 0

    cdef int cell_gap(self) except -1:
        self.marks.append((len(self.parts), " ", "", ""))
        self.filled = True
        return 0

    cdef int open_link(self, str href) except -1:
        self.links += 1
        self.open_links.append(href)
        self.marks.append((len(self.parts), "", "[", f'<a href="{escape(href)}">'))
        return 0

    cdef int close_link(self) except -1:
        href = self.open_links.pop()
        self.marks.append((len(self.parts), "", f"]({href})", "</a>"))
        return 0

    cdef int image(self, str alt, str src) except -1:
        self.images += 1
        self.marks.append((len(self.parts), "", f"![{alt}]({src})", ""))
        return 0

    cdef tuple _renderings(self):
        """The line's raw text, Markdown and HTML, pieces and marks interleaved."""
        cdef list parts = self.parts, raw, md, inner
        cdef Py_ssize_t done = 0, position
        if not self.marks:
            text = "".join(parts)
            return text, None, None
        raw, md, inner = [], [], []
        for position, mark_raw, mark_md, mark_html in [*self.marks, (len(parts), "", "", "")]:
            if position > done:
                between = "".join(parts[done:position])
                raw.append(between)
                md.append(between)
                inner.append(escape(between, quote=False))
                done = position
            raw.append(mark_raw)
            md.append(mark_md)
            inner.append(mark_html)
        return "".join(raw), "".join(md), "".join(inner)

    cdef int flush(self) except -1:
        cdef str line, md, inner
        if not self.filled:
            return 0
        if self.has_context:  # the line has visible text
            for href in reversed(self.open_links):  # a link spanning blocks closes per line
                self.marks.append((len(self.parts), "", f"]({href})", "</a>"))
            line, md, inner = self._renderings()
            if self.preformatted:
                if md is None:
                    md, inner = line, escape(line, quote=False)
                line = line.rstrip()
            elif md is None:  # no marks: the Markdown is the text, the HTML its escape
                line = _collapse(line)
                md, inner = line, escape(line, quote=False)
            else:
                line, md, inner = _collapse(line), _collapse(md), _collapse(inner)
            self.lines.append(self.prefix + line)
            self.prefixes.append(self.prefix)
            self.markdown.append(self.md_prefix + md)
            self.html.append(f"<{self.context_tag}>{inner}</{self.context_tag}>")
            self.paths.append(self.context_path)
            self.line_elements.append(self.context_element)
            self._markup_row()
        self._start_line()
        return 0

    cdef int _markup_row(self) except -1:
        cdef double[:, ::1] grown
        cdef Py_ssize_t row = self.row_count, column
        cdef uint64_t bits = self.bits | self.context_bits
        cdef Py_ssize_t bit
        if row == self.rows.shape[0]:
            grown = np.zeros((2 * row, _columns))
            grown[:row] = self.rows
            self.rows = grown
        self.rows[row, _link_density_column] = (
            self.link_chars / <double> self.chars if self.chars else 0.0)
        self.rows[row, _links_column] = self.links
        self.rows[row, _images_column] = self.images
        self.rows[row, _heading_column] = self.context_heading
        self.rows[row, _depth_column] = self.context_depth
        for bit in range(_flag_count):
            if bits >> bit & 1:
                self.rows[row, _flag_column[bit]] = 1.0
        self.row_count += 1
        return 0

    cdef int open_block(self, int flags, int heading, Frame *frame) except -1:
        """A block element starts a line and sets its prefixes, and a list nests one deeper."""
        self.flush()
        if flags & LIST:
            frame.list_depth += 1
        elif flags & LIST_ITEM:
            self.prefix = self.md_prefix = "  " * max(frame.list_depth - 1, 0) + "- "
        elif heading:
            self.md_prefix = "#" * heading + " "
        elif flags & QUOTE:
            self.md_prefix = "> "
        elif flags & PREFORMATTED:
            self.preformatted += 1
        return 0

    cdef int leave(self, int flags, int leave) except -1:
        """An element ends: a block ends its line, a cell leaves a gap, a link closes."""
        if flags & PREFORMATTED:
            self.flush()
            self.preformatted -= 1
        if leave == LEAVE_LINK:
            self.close_link()
        if flags & BLOCK:
            self.flush()
        elif flags & CELL:
            self.cell_gap()
        return 0

    def markup(self):
        return np.asarray(self.rows[:self.row_count]).copy()


def walk(uintptr_t root_address):
    """The page under lexbor's node at ``root_address`` (the parser must outlive the call):
    lines, prefixes, Markdown, HTML, block XPaths and markup rows (text shares not yet set),
    each line's block element and the table of elements (see ``text_shares``)."""
    cdef LexborNode *root = <LexborNode *> root_address
    cdef LexborNode *node
    cdef _Lines lines = _Lines()
    cdef _Walk stack = _Walk()
    cdef Frame *parent
    cdef Frame *frame
    cdef Frame context
    cdef Attributes attributes
    cdef dict document_kinds = {}
    cdef _Tags tags
    cdef Py_ssize_t kind, index
    cdef int flags, leave
    if element_name == NULL or _describe_tag is None:
        raise RuntimeError("rendering._walk.bind() and configure() were not called")
    global _tags
    if _tags.size > KEPT_TAGS:
        _tags = _Tags()
    tags = stack.tags = _tags
    if root != NULL:
        # The root element, entered from an empty context.
        memset(&context, 0, sizeof(Frame))
        context.block_frame = -1
        kind = tags.of_element(root, document_kinds) if root.type == ELEMENT_NODE else -1
        if kind >= 0:
            _enter(root, kind, 1, &context, stack, lines, &attributes)
    while stack.size:
        parent = &stack.frames[stack.size - 1]
        node = parent.child
        if node == NULL:
            flags, leave = tags.kinds[parent.kind].flags, parent.leave
            stack.pop()
            lines.leave(flags, leave)
            continue
        parent.child = node.next
        if node.type == TEXT_NODE:
            lines.text(_text_of(node), parent, stack)
        elif node.type == ELEMENT_NODE:
            kind = tags.of_element(node, document_kinds)
            if kind >= 0:
                index = stack.steps.next_step(parent.serial, kind)
                _enter(node, kind, index, parent, stack, lines, &attributes)
    lines.flush()
    return (lines.lines, lines.prefixes, lines.markdown, lines.html, lines.paths, lines.markup(),
            np.array(lines.line_elements, dtype=np.intp), stack.element_table())


cdef int _enter(LexborNode *node, Py_ssize_t kind, Py_ssize_t index, Frame *context, _Walk stack,
                _Lines lines, Attributes *attributes) except -1:
    """An element starts: skipped, hidden, a break or an image, or pushed with its context."""
    cdef TagKind tag = stack.tags.kinds[kind]  # a copy: Python called below may grow the table
    cdef Frame *frame
    cdef Frame inherited
    cdef uint64_t bits
    cdef bint opens_link
    if tag.flags & SKIPPED:
        return 0
    _read_attributes(node, attributes)
    if attributes.any and _hidden(attributes):
        return 0
    if tag.flags & BREAK:
        return lines.flush()
    if tag.flags & IMAGE:
        lines.image(_value(attributes, A_ALT) or "", _value(attributes, A_SRC) or "")
        return 0
    bits = context.bits | tag.bits
    if attributes.length[A_CLASS]:
        bits |= _class_word_bits(_value(attributes, A_CLASS).lower())
    if attributes.length[A_ID]:
        bits |= _class_word_bits(_value(attributes, A_ID).lower())
    opens_link = not context.link and tag.flags & ANCHOR and attributes.present[A_HREF]
    href = (_value(attributes, A_HREF) or "") if opens_link else None
    # ``context`` may move when the stack grows: copy what the new frame inherits first.
    inherited = context[0]
    frame = stack.push()
    frame.child, frame.kind, frame.index = node.first_child, kind, index
    frame.leave = LEAVE_LINK if opens_link else LEAVE
    frame.bits = bits
    frame.heading = tag.heading if tag.heading else inherited.heading
    frame.depth = inherited.depth + 1
    frame.list_depth = inherited.list_depth
    frame.link = inherited.link or opens_link
    frame.block_frame = inherited.block_frame
    stack.record(frame)
    if tag.flags & BLOCK:
        frame.block_frame = stack.size - 1
        stack.path(stack.size - 1)
        lines.open_block(tag.flags, tag.heading, frame)
    if opens_link:
        lines.open_link(href)
    return 0


cdef inline Py_ssize_t _above(Py_ssize_t[:, ::1] elements, Py_ssize_t node) noexcept:
    """An element's parent; above the top element, 0."""
    return 0 if elements[node, 0] == node else elements[node, 0]


def text_shares(double[::1] weight, double total, double root_share, Py_ssize_t[::1] line_elements,
                Py_ssize_t[:, ::1] elements):
    """The text-share columns (``markup.TEXT_SHARES``) of each line, from its paragraph-text
    weight and its block element's place in the tree (``walk``'s element table).

    The page's text root is the element with ``root_share`` of the weight under it that has the
    longest XPath (the first such in the order weight reached them), as the walk's Python
    ancestor computed it over XPath strings."""
    cdef Py_ssize_t lines = line_elements.shape[0], count = elements.shape[0]
    cdef double[::1] under = np.zeros(count)
    cdef Py_ssize_t[::1] reached = np.full(count, -1, dtype=np.intp)
    cdef double[:, ::1] out = np.zeros((lines, 4))
    cdef Py_ssize_t i, node, parent, order = 0, root = -1, root_depth, a, b
    if total == 0:
        return np.asarray(out)
    for i in range(lines):
        if weight[i] == 0:
            continue
        node = line_elements[i]
        while elements[node, 0] != node:  # the block's containers, not the block
            node = elements[node, 0]
            under[node] += weight[i]
            if reached[node] < 0:
                reached[node] = order
                order += 1
    for node in range(count):
        if reached[node] >= 0 and under[node] >= root_share * total and (
                root < 0 or elements[node, 2] > elements[root, 2]
                or (elements[node, 2] == elements[root, 2] and reached[node] < reached[root])):
            root = node
    for i in range(lines):
        node = line_elements[i]
        parent = elements[node, 0]
        out[i, 0] = under[parent] / total
        out[i, 1] = under[elements[parent, 0]] / total
        if root < 0:
            continue
        root_depth = elements[root, 1]
        a, b = node, root  # their nearest common ancestor (0: the empty path above the top)
        while elements[a, 1] > elements[b, 1]:
            a = _above(elements, a)
        while elements[b, 1] > elements[a, 1]:
            b = _above(elements, b)
        while a != b:
            a, b = _above(elements, a), _above(elements, b)
        if a == root:
            out[i, 2] = 1.0
            out[i, 3] = elements[node, 1] - root_depth
        else:
            out[i, 3] = elements[a, 1] - root_depth
    return np.asarray(out)
