# cython: language_level=3
"""Compiled versions of the two loops every article runs through most: word tokens and the cue
model's scoring of candidate words. Each function returns exactly what its pure-Python
reference returns (``claims.pipeline.text.tokens``, ``claims.learn.cuemodel.Scorer.accepted``);
``tests/test_speedups.py`` compares them on fixtures, on real articles and on generated text.

The package works without this module (no compiler, a zip on Spark's --py-files, or
``CLAIMS_PURE=1``): :mod:`claims.speedups` decides which version runs.
"""

from cpython cimport array
from cpython.exc cimport PyErr_Clear, PyErr_Occurred
from cpython.list cimport PyList_CheckExact, PyList_GET_ITEM, PyList_GET_SIZE
from cpython.long cimport PyLong_AsLongLong, PyLong_CheckExact
from cpython.object cimport Py_SIZE
from array import array as _Array
from libc.stdlib cimport calloc, free, malloc
from cpython.unicode cimport Py_UNICODE_ISALNUM

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    object PyUnicode_Substring(object, Py_ssize_t, Py_ssize_t)


cdef inline bint _mark(Py_UCS4 c) noexcept:
    # the combining marks claims.pipeline.text._MARKS adds to letters and digits
    return (
        0x0300 <= c <= 0x036F or 0x0483 <= c <= 0x0489 or 0x0591 <= c <= 0x05C7
        or 0x0610 <= c <= 0x061A or 0x064B <= c <= 0x065F or 0x0900 <= c <= 0x0963
        or 0x0966 <= c <= 0x0DFF or 0x0E31 <= c <= 0x0E4E or c == 0x200C or c == 0x200D
    )


cdef inline bint _word(Py_UCS4 c) noexcept:
    # [^\W_] of the stdlib re (its \w is str.isalnum() and "_"), or a mark; ASCII decided inline
    if c < 128:
        return (97 <= c <= 122) or (65 <= c <= 90) or (48 <= c <= 57)
    return Py_UNICODE_ISALNUM(c) or _mark(c)


cdef inline bint _joiner(Py_UCS4 c) noexcept:
    return c == 45 or c == 39 or c == 0x2019 or c == 46  # - ' ’ .


def tokens(str text, Py_ssize_t start, Py_ssize_t end, type token):
    """``claims.pipeline.text.tokens(text, start, end)``: the words ``W+(?:[-'’.]W+)*`` of
    ``text[start:end]``, as ``token`` tuples (text, start, end); ``end`` bounds a word as the end
    of the string would."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i, a
    cdef list out = []
    if end > n:
        end = n
    if start < 0:
        start = 0
    i = start
    new = tuple.__new__
    while i < end:
        if not _word(PyUnicode_READ(kind, data, i)):
            i += 1
            continue
        a = i
        i += 1
        while True:
            while i < end and _word(PyUnicode_READ(kind, data, i)):
                i += 1
            if i + 1 < end and _joiner(PyUnicode_READ(kind, data, i)) and _word(PyUnicode_READ(kind, data, i + 1)):
                i += 2
                continue
            break
        out.append(new(token, (PyUnicode_Substring(text, a, i), a, i)))
    return out


def candidates(list words, vocab):
    """Indices of the ``words`` (tokens) whose lower case is in ``vocab``."""
    cdef Py_ssize_t k
    cdef list out = []
    for k in range(len(words)):
        if (<str>(<tuple>words[k])[0]).lower() in vocab:
            out.append(k)
    return out


def accepted(scorer, doc, list words, list starts, list candidates, list marks, double logit):
    """``claims.learn.cuemodel.Scorer.accepted``, with the same arithmetic in the same order (the
    sums are compared with ``logit`` exactly as there)."""
    cdef str text = doc.text
    cdef list sents = doc.sents, quotes = doc.quotes
    cdef list sent_starts = doc._starts, q_starts = doc.quote_starts
    cdef dict base = scorer.base, in_quote_w = scorer.in_quote
    cdef dict p1_t = scorer.p1, p2_t = scorer.p2, n1_t = scorer.n1, n2_t = scorer.n2
    cdef dict w_n1 = scorer.w_n1, p1_w = scorer.p1_w
    cdef dict shape_t = scorer.shape, after_t = scorer.after, before_t = scorer.before
    cdef list pos_t = scorer.pos
    cdef double q_before = scorer.q_before, q_after = scorer.q_after, cap = scorer.cap
    cdef Py_ssize_t n_words = len(words), n_sents = len(sents), n_quotes = len(quotes)
    cdef Py_ssize_t n_marks = len(marks)
    cdef Py_ssize_t si = 0, qi = 0, cur = -1, k, a, b, pos, m_lo = 0, m_hi = 0
    cdef Py_ssize_t s_start = 0, s_end = 0, ia, ib
    cdef double total
    cdef str word, w, p1, p1l, p2, n1, n2, c, shape, after, before
    cdef tuple tok
    cdef dict pair
    cdef list out = []
    for k in candidates:
        tok = <tuple>words[k]
        word = <str>tok[0]
        a = <Py_ssize_t>tok[1]
        b = <Py_ssize_t>tok[2]
        while si + 1 < n_sents and <Py_ssize_t>sent_starts[si + 1] <= a:
            si += 1
        if si != cur:
            cur = si
            s = sents[si]
            s_start = s.start
            s_end = s.end
            m_lo = _left(marks, n_marks, s_start)
            m_hi = _left(marks, n_marks, s_end)
        while qi < n_quotes and <Py_ssize_t>q_starts[qi] <= a:
            qi += 1
        w = word.lower()
        total = <double>base[w]
        if k > 0 and <Py_ssize_t>starts[k - 1] >= s_start:
            p1 = <str>(<tuple>words[k - 1])[0]
            p1l = p1.lower()
            c = p1[:1]
            shape = "C" if c.isupper() else "D" if c.isdigit() else "l"
            p2 = (<str>(<tuple>words[k - 2])[0]).lower() if k > 1 and <Py_ssize_t>starts[k - 2] >= s_start else "<s>"
            pos = 1
            while pos < 6 and k - pos > 0 and <Py_ssize_t>starts[k - pos - 1] >= s_start:
                pos += 1
        else:
            p1l, p2, shape, pos = "<s>", "<s>", "-", 0
        if k + 1 < n_words and <Py_ssize_t>(<tuple>words[k + 1])[2] <= s_end:
            n1 = (<str>(<tuple>words[k + 1])[0]).lower()
            if k + 2 < n_words and <Py_ssize_t>(<tuple>words[k + 2])[2] <= s_end:
                n2 = (<str>(<tuple>words[k + 2])[0]).lower()
            else:
                n2 = "</s>"
        else:
            n1 = n2 = "</s>"
        after = text[b : b + 3].lstrip(" ")[:1]
        before = text[max(s_start, a - 3) : a].rstrip(" ")[-1:]
        total += (
            <double>p1_t.get(p1l, 0.0)
            + <double>p2_t.get(p2, 0.0)
            + <double>n1_t.get(n1, 0.0)
            + <double>n2_t.get(n2, 0.0)
            + <double>shape_t.get(shape, 0.0)
            + <double>after_t.get(after if after and not after.isalnum() else "w", 0.0)
            + <double>before_t.get(before if before and not before.isalnum() else "w", 0.0)
            + <double>pos_t[pos]
        )
        pair = w_n1.get(w)
        if pair:
            total += <double>pair.get(n1, 0.0)
        pair = p1_w.get(w)
        if pair:
            total += <double>pair.get(p1l, 0.0)
        if qi and a < <Py_ssize_t>quotes[qi - 1].inner_end:
            total += <double>in_quote_w[w]
        ia = _left(marks, n_marks, a)
        if (m_lo if a >= s_start else _left(marks, n_marks, s_start)) < ia:
            total += q_before
        ib = _left(marks, n_marks, b)
        if ib < m_hi:
            total += q_after
        if w[:1] != word[:1]:
            total += cap
        if total > logit:
            out.append(k)
    return out


cdef inline Py_ssize_t _left(list xs, Py_ssize_t n, Py_ssize_t x):
    # bisect.bisect_left over a sorted list of ints
    cdef Py_ssize_t lo = 0, hi = n, mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if <Py_ssize_t>xs[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def word_runs(str text, Py_ssize_t pos, Py_ssize_t end, heads):
    """Start offsets, in ``[pos, end)``, of the runs of word characters that begin a word (no word
    character before them, even before ``pos``) and whose characters, up to the end of the run
    or ``end``, are one of ``heads`` (a set of strings)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i, a
    cdef list out = []
    if end > n:
        end = n
    if pos < 0:
        pos = 0
    i = pos
    if 0 < i < end and _word(PyUnicode_READ(kind, data, i - 1)):
        while i < end and _word(PyUnicode_READ(kind, data, i)):
            i += 1  # inside a word that began before pos
    while i < end:
        if not _word(PyUnicode_READ(kind, data, i)):
            i += 1
            continue
        a = i
        i += 1
        while i < end and _word(PyUnicode_READ(kind, data, i)):
            i += 1
        if PyUnicode_Substring(text, a, i) in heads:
            out.append(a)
    return out


def char_positions(str text, Py_ssize_t start, Py_ssize_t end, str chars):
    """Offsets, in ``[start, end)``, of the characters of ``text`` that are in ``chars``: the
    matches of the character class ``[chars]``. ASCII characters are looked up in a table, others
    compared with the few non-ASCII ``chars`` (quote marks, dandas)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i, j, m = PyUnicode_GET_LENGTH(chars)
    cdef Py_UCS4 c
    cdef unsigned char ascii[128]
    cdef Py_UCS4 wide[64]
    cdef Py_ssize_t n_wide = 0
    cdef list out = []
    for i in range(128):
        ascii[i] = 0
    for j in range(m):
        c = PyUnicode_READ(PyUnicode_KIND(chars), PyUnicode_DATA(chars), j)
        if c < 128:
            ascii[c] = 1
        elif n_wide < 64:
            wide[n_wide] = c
            n_wide += 1
        else:
            raise ValueError("at most 64 characters beyond ASCII")
    if end > n:
        end = n
    if start < 0:
        start = 0
    for i in range(start, end):
        c = PyUnicode_READ(kind, data, i)
        if c < 128:
            if ascii[c]:
                out.append(i)
        else:
            for j in range(n_wide):
                if wide[j] == c:
                    out.append(i)
                    break
    return out


def first_in_ranges(str text, tuple ranges):
    """Offset of the first character of ``text`` inside one of ``ranges`` (pairs of inclusive
    code points, lowest first), or -1: ``re.search("[lo-hi...]", text)`` for a class of ranges."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i, j, m = len(ranges)
    cdef Py_UCS4 c, lowest
    cdef Py_UCS4 lo[32]
    cdef Py_UCS4 hi[32]
    if m == 0:
        return -1
    if m > 32:
        raise ValueError("at most 32 ranges")
    for j in range(m):
        lo[j], hi[j] = ranges[j]
    lowest = lo[0]
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c < lowest:
            continue
        for j in range(m):
            if lo[j] <= c <= hi[j]:
                return i
    return -1


cdef enum:
    MAX_LISTS = 64  # block terms per claim are 6 (claims.store.grouping.BLOCK_TERMS)


cdef struct _Shared:
    Py_ssize_t order  # (lists - count) * lists + the first list holding it: the output order
    long long id


# One table for every call of shared_ids, grown as needed: a call holds the GIL from start to end
# (it runs no Python code: a list item that is not an exact int makes it return None), so two
# threads never use the table at once. A slot is free for a call when its stamp is not the call's.
cdef struct _Slot:
    long long id
    unsigned int stamp  # the call that last used the slot: the table is never cleared between calls
    int count  # lists holding the id
    int first  # the first list holding it


cdef _Slot* _slots = NULL
cdef Py_ssize_t _n_slots = 0
cdef unsigned int _stamp = 0
cdef Py_ssize_t* _touched = NULL  # the slots a call took, in the order it met their ids
cdef Py_ssize_t _n_touched = 0


cdef int _room(Py_ssize_t total) except -1:
    """The table at least four times ``total`` slots (a power of two), the touched list ``total``."""
    global _slots, _n_slots, _stamp, _touched, _n_touched
    cdef Py_ssize_t want = 64
    while want < 4 * total:
        want *= 2
    if want > _n_slots:
        free(_slots)
        _slots = <_Slot*>calloc(want, sizeof(_Slot))
        _n_slots = want if _slots != NULL else 0
        _stamp = 0
        if _slots == NULL:
            raise MemoryError()
    if total > _n_touched:
        free(_touched)
        _touched = <Py_ssize_t*>malloc(total * sizeof(Py_ssize_t))
        _n_touched = total if _touched != NULL else 0
        if _touched == NULL:
            raise MemoryError()
    return 0


cdef inline Py_ssize_t _size(object xs) noexcept:
    """The length of a list or of an ``array('q')``; -1 for anything else."""
    if PyList_CheckExact(xs):
        return PyList_GET_SIZE(xs)
    if type(xs) is _Array and (<array.array>xs).ob_descr.typecode == 113:  # 'q'
        return Py_SIZE(xs)
    return -1


def shared_ids(list lists, Py_ssize_t need, Py_ssize_t limit):
    """The ids found in at least ``need`` of ``lists`` (each a list of strictly increasing ints,
    or an ``array('q')`` of them), those in most lists first, then by first appearance with the
    lists read one after another; at most ``limit``. What
    ``claims.store.grouping._shared_ids`` gives (a Counter over the chained lists). None when a
    list is not strictly increasing, holds something but ints, or there are more than 64 lists:
    the caller counts them instead.

    Each id is counted in a hash table (open addressing, stamped per call), in the order the
    lists give them; the kept ids then come out by a stable counting sort on (count, first list
    holding it), which leaves them in their order of first appearance within each. The ids of
    an array are read straight from its memory: converting a list's ints was half the time of a
    claim's postings (6 lists of up to 200 ids: 17.5 us as lists merged, 6.4 us as arrays counted)."""
    global _stamp
    cdef Py_ssize_t k = len(lists)
    cdef Py_ssize_t i, j, total = 0, size, n = 0, n_kept = 0, n_out, pos, s, mask, buckets
    cdef long long v, prev = 0
    cdef long long* data
    cdef object xs, item
    cdef _Slot* slot
    cdef _Shared* kept
    cdef Py_ssize_t* start = NULL
    cdef Py_ssize_t sizes[MAX_LISTS]
    if k > MAX_LISTS:
        return None
    for i in range(k):
        size = _size(lists[i])
        if size < 0:
            return None
        sizes[i] = size
        total += size
    if total == 0 or limit <= 0:
        return []
    _room(total)
    _stamp += 1
    if _stamp == 0:  # wrapped: a slot's old stamp could be taken for this call's
        for s in range(_n_slots):
            _slots[s].stamp = 0
        _stamp = 1
    mask = _n_slots - 1
    for i in range(k):
        xs = lists[i]
        data = (<array.array>xs).data.as_longlongs if not PyList_CheckExact(xs) else NULL
        for j in range(sizes[i]):
            if data != NULL:
                v = data[j]
            else:
                item = <object>PyList_GET_ITEM(xs, j)
                if not PyLong_CheckExact(item):
                    return None
                v = PyLong_AsLongLong(item)
                if v == -1 and PyErr_Occurred():
                    PyErr_Clear()
                    return None
            if j and v <= prev:
                return None
            prev = v
            s = <Py_ssize_t>((<unsigned long long>v * 0x9E3779B97F4A7C15ULL) >> 32) & mask
            while True:
                slot = &_slots[s]
                if slot.stamp != _stamp:
                    slot.stamp = _stamp
                    slot.id = v
                    slot.count = 1
                    slot.first = <int>i
                    _touched[n] = s
                    n += 1
                    break
                if slot.id == v:
                    slot.count += 1
                    break
                s = (s + 1) & mask
    kept = <_Shared*>malloc(n * sizeof(_Shared))  # n > 0: total > 0
    buckets = k * k  # orders run from 0 (in all k lists, the first) to k * k - 1
    start = <Py_ssize_t*>calloc(buckets + 1, sizeof(Py_ssize_t))
    try:
        if kept == NULL or start == NULL:
            raise MemoryError()
        for j in range(n):  # in order of first appearance
            slot = &_slots[_touched[j]]
            if slot.count >= need:
                kept[n_kept].order = (k - slot.count) * k + slot.first
                kept[n_kept].id = slot.id
                n_kept += 1
        for i in range(n_kept):
            start[kept[i].order + 1] += 1
        for i in range(buckets):
            start[i + 1] += start[i]
        n_out = min(n_kept, limit)
        out = [None] * n_out
        for i in range(n_kept):
            pos = start[kept[i].order]
            start[kept[i].order] += 1
            if pos < n_out:
                out[pos] = kept[i].id
        return out
    finally:
        free(kept)
        free(start)
