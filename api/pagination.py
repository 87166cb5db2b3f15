"""Pages of every list: numbered, with a count that stops at COUNT_LIMIT (as the task list page).

`BoundedPaginator` counts over a LIMIT, so a huge scope never scans every row to count it; past the
limit `count` reads COUNT_LIMIT and `count_capped` is true. Every list's queryset ends its ordering
in the primary key, so pages neither repeat nor skip rows.
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from tasks.pagination import COUNT_LIMIT, BoundedPaginator


class BoundedPageNumberPagination(PageNumberPagination):
    django_paginator_class = BoundedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data: list[Any]) -> Response:
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, COUNT_LIMIT),
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        base = super().get_paginated_response_schema(schema)
        base["properties"]["count"]["maximum"] = COUNT_LIMIT
        base["properties"] = {
            "count": base["properties"]["count"],
            "count_capped": {
                "type": "boolean",
                "description": f"True when more than {COUNT_LIMIT} rows match: `count` stops there.",
            },
            **{key: value for key, value in base["properties"].items() if key != "count"},
        }
        base["required"] = ["count", "count_capped", "next", "previous", "results"]
        return base
