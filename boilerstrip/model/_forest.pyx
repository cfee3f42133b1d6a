# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled prediction for LightGBM's numerical trees, decision for decision as LightGBM's
own predictor takes it (``Tree::NumericalDecision``, ``GBDT::PredictRaw``, its early stop and
output transforms), so every probability is LightGBM's to the last bit.

The trees arrive flattened by ``boilerstrip.model.trees``: one record per node over every
tree (``NODE_DTYPE``), then one per leaf (from ``leaf_start``) whose children are itself,
so a walk can take as many steps as it likes once it is in a leaf.  Rows go
through the forest in blocks, tree by tree, so a tree's nodes stay in cache while a block's
rows walk it, 16 side by side.  A block's values are copied once, those within LightGBM's
zero threshold made zero, so a decision is a load, a compare and a select (and a second
select for NaN): the shorter that chain, the faster the walk (it halved the time a line).
No GIL is held, so threads can share a model.
"""

import numpy as np

from libc.math cimport exp, fabs
from libc.stdint cimport int32_t, uint8_t

cdef extern from *:
    """
    typedef struct {
        double threshold;
        int32_t feature;
        int32_t child[2];     /* left, right */
        uint8_t nan_right;    /* where a missing value goes */
        uint8_t zero_missing; /* LightGBM's zero-as-missing: zero goes to zero_right */
        uint8_t zero_right;
    } forest_node;

    /* LightGBM's kZeroThreshold: its predictor keeps a feature only when it is further
       from zero. */
    #define FOREST_ZERO ((double) 1e-35f)

    /* One decision, as flags and selects rather than branches; a leaf's record leads
       back to itself.  The value was already taken as zero when within FOREST_ZERO of it. */
    static inline int32_t forest_step(const double* row, int32_t node, const forest_node* nodes) {
        const forest_node* at = nodes + node;
        double value = row[at->feature];
        int right;
        right = !(value <= at->threshold);
        right = value != value ? at->nan_right : right;
        right = (at->zero_missing & (value == 0.0)) ? at->zero_right : right;
        return at->child[right];
    }
    /* The same for trees without LightGBM's zero-as-missing (most models): a shorter chain
       from one decision to the next. */
    static inline int32_t forest_step_plain(const double* row, int32_t node, const forest_node* nodes) {
        const forest_node* at = nodes + node;
        double value = row[at->feature];
        int right = !(value <= at->threshold);
        right = value != value ? at->nan_right : right;
        return at->child[right];
    }
    """
    ctypedef struct forest_node:
        double threshold
        int32_t feature
        int32_t child[2]
        uint8_t nan_right
        uint8_t zero_missing
        uint8_t zero_right
    double FOREST_ZERO
    int32_t forest_step(const double* row, int32_t node, const forest_node* nodes) noexcept nogil
    int32_t forest_step_plain(const double* row, int32_t node, const forest_node* nodes) noexcept nogil

NODE_DTYPE = np.dtype([("threshold", "f8"), ("feature", "i4"), ("left", "i4"), ("right", "i4"),
                       ("nan_right", "u1"), ("zero_missing", "u1"), ("zero_right", "u1")],
                      align=True)
assert NODE_DTYPE.itemsize == sizeof(forest_node)

cdef enum:
    _BLOCK = 64  # rows that go through a tree before the next tree
    _GROUP = 16  # rows that walk a tree side by side, so their decisions overlap


cdef inline bint _settled(const double* raw, int classes, double margin) noexcept nogil:
    """LightGBM's prediction early stop: the best raw score leads the next by ``margin``."""
    cdef double first, second
    cdef int k
    if classes == 1:
        return 2.0 * fabs(raw[0]) > margin
    first = raw[0] if raw[0] >= raw[1] else raw[1]
    second = raw[1] if raw[0] >= raw[1] else raw[0]
    for k in range(2, classes):
        if raw[k] > first:
            second = first
            first = raw[k]
        elif raw[k] > second:
            second = raw[k]
    return first - second > margin


cdef inline void _transform(double* raw, int classes, double sigmoid) noexcept nogil:
    """Raw scores to probabilities as LightGBM's objectives do: sigmoid, or softmax."""
    cdef double top, total
    cdef int k
    if classes == 1:
        raw[0] = 1.0 / (1.0 + exp(-sigmoid * raw[0]))
        return
    top = raw[0]
    for k in range(1, classes):
        top = raw[k] if raw[k] > top else top
    total = 0.0
    for k in range(classes):
        raw[k] = exp(raw[k] - top)
        total += raw[k]
    for k in range(classes):
        raw[k] /= total


def predict(const double[:, ::1] X, const int32_t[::1] roots, const uint8_t[::1] nodes,
            const double[::1] leaf, int leaf_start, int classes, int iterations, double sigmoid,
            int stop_period, double stop_margin, bint zero_missing, double[:, ::1] out):
    """Probabilities into ``out`` (rows × classes): ``iterations`` rounds of ``classes`` trees
    each (``roots``), sigmoid (one class, with its scale) or softmax; ``stop_period`` > 0
    checks every that many rounds whether ``stop_margin`` settles a row."""
    cdef Py_ssize_t rows = X.shape[0], columns = X.shape[1], block, start, r
    cdef int i, it, end, k, a, j, group, active, kept, period = stop_period if stop_period > 0 else iterations
    cdef int32_t root, first_leaf = leaf_start
    cdef bint walking
    cdef int order[_BLOCK]
    cdef int32_t at[_GROUP]
    cdef const double* row[_GROUP]
    cdef const forest_node* forest
    cdef const double* first_row
    cdef const double* leaves
    cdef double* block_rows
    cdef double value
    if rows == 0:
        return
    forest = <const forest_node*> &nodes[0]
    leaves = &leaf[0]
    # LightGBM's predictor takes values within FOREST_ZERO of zero as zero: done once per
    # value, in a copy of the block's rows, rather than at every decision.
    copy = np.empty((_BLOCK, columns), dtype=np.float64)
    cdef double[:, ::1] copy_view = copy
    block_rows = &copy_view[0, 0]
    with nogil:
        for block in range((rows + _BLOCK - 1) // _BLOCK):
            start = block * _BLOCK
            active = <int> min(<Py_ssize_t> _BLOCK, rows - start)
            for r in range(active * columns):
                value = (&X[start, 0])[r]
                block_rows[r] = 0.0 if fabs(value) <= FOREST_ZERO else value
            first_row = block_rows
            for a in range(active):
                order[a] = a
                for k in range(classes):
                    out[start + a, k] = 0.0
            i = 0
            while i < iterations and active > 0:
                end = min(i + period, iterations)
                for it in range(i, end):
                    for k in range(classes):
                        root = roots[it * classes + k]
                        # A short last group repeats its first row.
                        for group in range((active + _GROUP - 1) // _GROUP):
                            a = group * _GROUP
                            for j in range(_GROUP):
                                row[j] = first_row + order[a + j if a + j < active else a] * columns
                                at[j] = root
                            walking = True
                            while walking:
                                walking = False
                                if zero_missing:
                                    for j in range(_GROUP):
                                        at[j] = forest_step(row[j], at[j], forest)
                                        walking = walking | (at[j] < first_leaf)
                                else:
                                    for j in range(_GROUP):
                                        at[j] = forest_step_plain(row[j], at[j], forest)
                                        walking = walking | (at[j] < first_leaf)
                            for j in range(min(_GROUP, active - a)):
                                out[start + order[a + j], k] += leaves[at[j] - first_leaf]
                i = end
                if stop_period > 0:
                    kept = 0
                    for a in range(active):
                        if not _settled(&out[start + order[a], 0], classes, stop_margin):
                            order[kept] = order[a]
                            kept += 1
                    active = kept
            for r in range(start, start + min(<Py_ssize_t> _BLOCK, rows - start)):
                _transform(&out[r, 0], classes, sigmoid)


cdef extern from "Python.h":
    ctypedef struct PyObject
    # overflow_exception NULL: a number too large to hold becomes ±inf, as in Python's float()
    double PyOS_string_to_double(const char* s, char** endptr, PyObject* overflow_exception
                                 ) except? -1.0


def numbers(bytes text):
    """The numbers, separated by spaces, in ``text`` (a model's ASCII), parsed as Python
    parses floats: correctly rounded, whatever the locale.  ValueError on anything else.
    Integers of up to 15 digits (children, features, decision types: most of a model) are
    read digit by digit, exactly, and faster."""
    cdef const char* at = text
    cdef const char* stop = at + len(text)
    cdef const char* first
    cdef const char* digit
    cdef char* after
    cdef Py_ssize_t count = 0
    cdef double value
    cdef double[::1] out = np.empty(text.count(b" ") + 1)
    while True:
        while at < stop and at[0] == 32:
            at += 1
        if at >= stop:
            break
        first = at + 1 if at[0] == 45 else at  # after a minus sign
        digit = first
        value = 0.0
        while digit < stop and 48 <= digit[0] <= 57 and digit - first < 15:
            value = value * 10.0 + (digit[0] - 48)
            digit += 1
        if digit > first and (digit == stop or digit[0] == 32):
            out[count] = -value if at[0] == 45 else value
            after = <char*> digit
        else:
            out[count] = PyOS_string_to_double(at, &after, NULL)
            if after == at or (after < stop and after[0] != 32):
                raise ValueError(f"not a number at byte {at - <const char*> text}")
        count += 1
        at = after
    return np.asarray(out[:count])
