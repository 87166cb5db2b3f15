"""An import failing half way writes nothing and removes the file it stored.

Its own module: the reference data is loaded once per module, which the transactional tests of
test_atomic_writes.py would truncate.
"""

from unittest import mock

import pytest

from tasks.imports.services.importing import build_draft, import_document, parse_upload
from tests.reliability.test_atomic_writes import InjectedFailure, media_files, row_counts

DOCUMENT = """郑州市深化医药卫生体制改革工作领导小组文件

郑医改〔2026〕9号

关于印发郑州市深化医药卫生体制改革2026年重点工作任务的通知

2026年3月1日

一、深化医保支付方式改革

（一）推进按病种付费。年底前病种数不少于100个。（市医保局、卫生健康委等按职责分工负责）

（二）完善医疗服务价格动态调整机制，6月底前完成调价评估。（市医保局牵头，市财政局配合）

二、加强基层能力

（三）推进县域医共体建设，县域内就诊率达到90%以上。（市卫生健康委、各县（市、区）人民政府负责）
"""


@pytest.mark.django_db
def test_an_import_failing_half_way_writes_nothing_and_removes_its_stored_file(reference_data):
    from regions.models import Region

    zhengzhou = Region.objects.get(code="410100")
    parsed = parse_upload(DOCUMENT.encode(), "doc.txt")
    draft = build_draft(parsed, zhengzhou)
    before, files_before = row_counts(), media_files()

    # The document, its tasks, assignments and deadlines are written; the targets fail.
    with (
        mock.patch(
            "tasks.imports.services.importing.Target.objects.bulk_create",
            side_effect=InjectedFailure("disk full"),
        ) as targets,
        pytest.raises(InjectedFailure),
    ):
        import_document(draft, region=zhengzhou, data=DOCUMENT.encode(), filename="doc.txt", text=parsed.text)

    assert targets.called
    assert row_counts() == before
    assert media_files() == files_before
