import pytest
from gongzhi.jobs.enums import JobStatus
from gongzhi.jobs.worker import work_once, backend_label
from gongzhi.people import imports
from gongzhi.people.models import Person
from gongzhi.people.tests.helpers import csv_bytes, person_row
from gongzhi.testing import build_small_district
pytestmark = pytest.mark.django_db(transaction=True)
def test_rq():
    assert backend_label() == "RQBackend"
    d = build_small_district()
    b = Person.objects.count()
    job = imports.population_import_enqueue(actor=d.user("grid_worker"), file_name="a.csv", content=csv_bytes([person_row(d.grids["g1"].code,"1","王", 900)]))
    out = work_once()
    job.refresh_from_db()
    print(out, job.status, job.message)
    assert job.status == JobStatus.SUCCEEDED
    assert Person.objects.count() == b + 1
