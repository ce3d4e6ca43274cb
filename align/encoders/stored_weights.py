"""A transformers model's weights left as they are stored, computing in float32 all the same (imports torch).

`load_transformers` puts a `StoredEmbedding` in place of the model's input `torch.nn.Embedding` where the file
stores the table as the model holds it: the embedded encoder's 250k × 384 float16 table is then 192 MB of file a
lookup reads a few rows of, not 192 MB of the process's memory. A float16 or bfloat16 linear layer keeps its weight
so (`float32_when_used`): the layers a forward pass does not reach (word alignment stops at layer 7 of 12) cost
nothing, the others half of a float32 copy.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn.utils import parametrize

from align.encoders.conversion import StoredTable


class StoredEmbedding(torch.nn.Module):
    """`torch.nn.Embedding`'s lookup (for inference) over a `StoredTable`: each forward reads the rows its ids name.
    The values are the stored ones, exactly."""

    def __init__(self, table: StoredTable) -> None:
        super().__init__()
        self.table = table
        self.num_embeddings, self.embedding_dim = table.shape

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(self.table.rows(input_ids.cpu().numpy()))


class _Float32(torch.nn.Module):
    """A parametrization: the stored tensor, in float32 (exactly: float16 and bfloat16 are subsets of it)."""

    def forward(self, stored: torch.Tensor) -> torch.Tensor:
        return stored.float()


def float32_when_used(linear: Any) -> None:
    """Give `linear` (a `torch.nn.Linear`) its weight in float32 at each use, converted from the dtype it is held
    in: the products are the same as with a float32 copy held, which costs twice the memory."""
    parametrize.register_parametrization(linear, "weight", _Float32(), unsafe=True)
