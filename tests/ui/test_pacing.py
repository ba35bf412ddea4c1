"""AnalysisPacer: one analysis in flight; the newest canvas follows as soon as its answer is shown."""

from mnistviz.ui.pacing import AnalysisPacer


class Submitter:
    def __init__(self):
        self.ids = []

    def __call__(self) -> int:
        self.ids.append(len(self.ids) + 1)
        return self.ids[-1]


def test_a_change_with_nothing_in_flight_is_submitted_at_once():
    submit = Submitter()
    pacer = AnalysisPacer(submit)
    pacer.request()
    assert submit.ids == [1] and pacer.in_flight == 1


def test_changes_while_in_flight_become_one_submission_when_the_answer_is_shown():
    submit = Submitter()
    pacer = AnalysisPacer(submit)
    pacer.request()
    for _ in range(50):
        pacer.request()
    assert submit.ids == [1]  # nothing queued up behind the worker
    pacer.answered(1)
    assert submit.ids == [1, 2] and pacer.in_flight == 2
    pacer.answered(2)
    assert submit.ids == [1, 2] and pacer.in_flight is None  # nothing changed meanwhile: idle


def test_an_older_answer_does_not_release_the_newer_request():
    submit = Submitter()
    pacer = AnalysisPacer(submit)
    pacer.request()
    pacer.request()
    pacer.answered(1)  # submits 2
    pacer.request()
    pacer.answered(1)  # a late duplicate of the first answer
    assert submit.ids == [1, 2] and pacer.in_flight == 2 and pacer.wanted


def test_a_failed_analysis_lets_the_next_change_through():
    submit = Submitter()
    pacer = AnalysisPacer(submit)
    pacer.request()
    pacer.request()
    pacer.failed()
    assert submit.ids == [1, 2]
    pacer.failed()
    pacer.request()
    assert submit.ids == [1, 2, 3]
