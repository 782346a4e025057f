"""Lists in the API: `?limit=&offset=`, answered as {"items": [...], "count": n}."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 100


class LimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Số mục mỗi trang (tối đa 100).")
        offset: int = Field(0, ge=0, description="Bỏ qua bấy nhiêu mục đầu.")

    def __init__(self, **kwargs) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
