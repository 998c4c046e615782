"""kyphoplan: runs a balloon-kyphoplasty service from first contact to recovery."""

__version__ = "0.1.0"
