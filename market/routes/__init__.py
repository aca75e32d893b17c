"""HTTP edge of the market: thin routes that parse, call one use case, and dump."""
