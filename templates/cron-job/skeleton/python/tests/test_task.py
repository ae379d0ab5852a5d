import logging
import threading

from app.runner import TaskContext, TaskResult
from app.task import InMemoryWorkSource, WorkItem, create_task


def items(n, bad=()):
    return [WorkItem(f"i{i}", {"amount": -1 if i in bad else i}) for i in range(n)]


def ctx(stop=None):
    return TaskContext(stop=stop or threading.Event(), logger=logging.getLogger("test"))


def test_processes_every_item_across_batches():
    source = InMemoryWorkSource(items(7))
    assert create_task(source, batch_size=3)(ctx()) == TaskResult(7, 0, True)
    assert len(source.done) == 7


def test_failed_items_are_recorded_and_the_run_carries_on():
    source = InMemoryWorkSource(items(5, bad={1, 3}))
    assert create_task(source, batch_size=2)(ctx()) == TaskResult(3, 2, True)
    assert sorted(source.failed) == ["i1", "i3"]


def test_stops_when_asked_and_the_next_run_resumes():
    source = InMemoryWorkSource(items(10))
    stop = threading.Event()
    original = source.mark_done

    def mark_done(item_id):
        original(item_id)
        if len(source.done) == 4:
            stop.set()

    source.mark_done = mark_done
    assert create_task(source, batch_size=3)(ctx(stop)) == TaskResult(4, 0, False)
    source.mark_done = original
    assert create_task(source, batch_size=3)(ctx()) == TaskResult(6, 0, True)
