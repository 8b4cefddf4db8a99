"""The checker: runs hidden tests outside the student's kernel, talking to it only through the
data-only channel of :mod:`pinecone_ops.kernel_bridge` (``channel``: the proxies; ``hidden``: one
test cell's hidden block, run here)."""
