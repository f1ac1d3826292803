"""Small statistics helpers: mean, median and a direct convolution."""


def _as_list(values, name):
    if values is None:
        raise TypeError(f"{name} must be a sequence, not None")
    return list(values)


def mean(values):
    data = _as_list(values, "values")
    if not data:
        raise ValueError("mean of empty data")
    return sum(data) / len(data)


def median(values):
    data = sorted(_as_list(values, "values"))
    mid = len(data) // 2
    if len(data) % 2:
        return data[mid]
    return (data[mid - 1] + data[mid]) / 2


def convolve(signal, kernel):
    """Full discrete convolution of signal with kernel."""
    signal = _as_list(signal, "signal")
    kernel = _as_list(kernel, "kernel")
    # Convolution is commutative: loop over the shorter sequence.
    if len(kernel) > len(signal):
        signal, kernel = kernel, signal
    if not signal:
        raise ValueError("signal cannot be empty")
    if not kernel:
        raise ValueError("kernel cannot be empty")
    out = [0] * (len(signal) + len(kernel) - 1)
    for i, s in enumerate(signal):
        for j, k in enumerate(kernel):
            out[i + j] += s * k
    return out
