# cython: language_level=3
"""Compiled versions of the two loops every article runs through most: word tokens and the cue
model's scoring of candidate words. Each function returns exactly what its pure-Python
reference returns (``claims.pipeline.text.tokens``, ``claims.learn.cuemodel.Scorer.accepted``);
``tests/test_speedups.py`` compares them on fixtures, on real articles and on generated text.

The package works without this module (no compiler, a zip on Spark's --py-files, or
``CLAIMS_PURE=1``): :mod:`claims.speedups` decides which version runs.
"""

from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.long cimport PyLong_AsLongLong
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


def shared_ids(list lists, Py_ssize_t need, Py_ssize_t limit):
    """The ids found in at least ``need`` of ``lists`` (each a list of strictly increasing ints),
    those in most lists first, then by first appearance with the lists read one after another;
    at most ``limit``. What ``claims.store.grouping._shared_ids`` gives (a Counter over the chained
    lists), by one merge of the sorted lists instead of a count per id. None when a list is not
    strictly increasing or there are more than 64 lists: the caller counts them instead.

    The ids are read into one C array first. The kept ids then come out in order by a counting
    sort on (count, first list holding it): within one such bucket the merge meets them in id
    order, which is their order of first appearance, so nothing is compared (a claim's postings
    are hundreds of ids, most of them kept in an archive of copies; against a qsort with a
    comparator: 23.6 -> 21.1 us for 6 lists of 200 ids)."""
    cdef Py_ssize_t k = len(lists)
    cdef Py_ssize_t idx[MAX_LISTS]
    cdef Py_ssize_t end[MAX_LISTS]
    cdef Py_ssize_t i, j, total = 0, count, first, live = 0, n_kept = 0, n_out, buckets, pos
    cdef long long m = 0, v
    cdef bint seen
    cdef long long* ids
    cdef _Shared* kept
    cdef Py_ssize_t* start = NULL
    cdef list xs
    if k > MAX_LISTS:
        return None
    for i in range(k):
        total += PyList_GET_SIZE(lists[i])
    if total == 0 or limit <= 0:
        return []
    ids = <long long*>malloc(total * sizeof(long long))
    kept = <_Shared*>malloc(total * sizeof(_Shared))
    if ids == NULL or kept == NULL:
        free(ids)
        free(kept)
        raise MemoryError()
    try:
        total = 0
        for i in range(k):
            xs = lists[i]
            idx[i] = total
            for j in range(PyList_GET_SIZE(xs)):
                v = PyLong_AsLongLong(<object>PyList_GET_ITEM(xs, j))
                if j and v <= ids[total - 1]:
                    return None
                ids[total] = v
                total += 1
            end[i] = total
            if end[i] > idx[i]:
                live += 1
        while live:
            seen = False
            for i in range(k):  # the smallest id at the head of a list not read to its end
                if idx[i] < end[i] and (not seen or ids[idx[i]] < m):
                    m = ids[idx[i]]
                    seen = True
            count = 0
            first = -1
            for i in range(k):
                if idx[i] < end[i] and ids[idx[i]] == m:
                    count += 1
                    if first < 0:
                        first = i
                    idx[i] += 1
                    if idx[i] == end[i]:
                        live -= 1
            if count >= need:
                kept[n_kept].order = (k - count) * k + first
                kept[n_kept].id = m
                n_kept += 1
        buckets = k * k  # orders run from 0 (in all k lists, the first) to k * k - 1
        start = <Py_ssize_t*>calloc(buckets + 1, sizeof(Py_ssize_t))
        if start == NULL:
            raise MemoryError()
        for i in range(n_kept):
            start[kept[i].order + 1] += 1
        for i in range(buckets):
            start[i + 1] += start[i]
        n_out = min(n_kept, limit)
        for i in range(n_kept):  # ids[] is read: it becomes the output
            pos = start[kept[i].order]
            start[kept[i].order] += 1
            if pos < n_out:
                ids[pos] = kept[i].id
        return [ids[i] for i in range(n_out)]
    finally:
        free(ids)
        free(kept)
        free(start)
