# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The context stage's columns, moved in place in one compiled pass: a line's neighbours'
values and window means, as ``features.context`` defines them.

The arithmetic is numpy's, operation for operation (a running sum from the first line, then
the difference of two sums over the window's size), so the values are the same to the bit.
"""

from libc.math cimport NAN


def move_columns(double[:, ::1] X, const Py_ssize_t[::1] sources, const Py_ssize_t[::1] offsets,
                 const Py_ssize_t[:, ::1] shifted, const Py_ssize_t[::1] window_sources,
                 const Py_ssize_t[::1] window_widths, const Py_ssize_t[::1] window_targets,
                 double[::1] running):
    """For each offset k and source s: ``X[i, shifted[k, s]] = X[i + offsets[k], sources[s]]``
    (NaN past the ends).  For each window w: ``X[:, window_targets[w]]`` the mean of column
    ``window_sources[w]`` over the ``window_widths[w]`` lines either side, clipped at the ends.
    ``running`` is scratch of at least one more row than X."""
    cdef Py_ssize_t n = X.shape[0], k, s, i, w, j, width, low, high, source, target, offset
    if running.shape[0] < n + 1:
        raise ValueError("the scratch is shorter than the document")
    with nogil:
        for k in range(offsets.shape[0]):
            offset = offsets[k]
            for s in range(sources.shape[0]):
                source, target = sources[s], shifted[k, s]
                for i in range(n):
                    j = i + offset
                    X[i, target] = X[j, source] if 0 <= j < n else NAN
        for w in range(window_sources.shape[0]):
            source, width, target = window_sources[w], window_widths[w], window_targets[w]
            running[0] = 0.0
            if n:
                running[1] = X[0, source]  # as numpy's running sum starts: the first value itself
            for i in range(1, n):
                running[i + 1] = running[i] + X[i, source]
            for i in range(n):
                low = i - width if i > width else 0
                high = i + width + 1 if i + width + 1 < n else n
                X[i, target] = (running[high] - running[low]) / <double> (high - low)
