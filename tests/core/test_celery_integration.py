import pytest

from core.tasks import ping
from tests.factories import UnitFactory


@pytest.mark.integration
def test_task_goes_through_redis_to_a_real_worker_and_back(celery_worker_process):
    UnitFactory.create_batch(3)
    result = ping.apply_async(queue=celery_worker_process)
    # The worker counts units in the test database through its own connection.
    assert result.get(timeout=60) == {"pong": True, "units": 3}
