"""通讯录ID转译 end to end: the app starts a job through its own client, the sandbox finishes it and pushes
``batch_job_result`` to the system-event URL (https://developer.work.weixin.qq.com/document/path/91875); the
app records it, then runs the handler with a typed event, which reads the result with the job id."""

from __future__ import annotations

from tests.app.suite_world import World
from wecom_suite.callback.context import CallbackContext
from wecom_suite.events import BatchJobResultEvent


def test_the_translation_result_reaches_the_handler_as_a_typed_event(world: World) -> None:
    sandbox, app = world.sandbox, world.app
    sandbox.authorize(world.corp_id)
    sandbox.set_system_callback_url(world.url("/callback/system"))
    seen: list[tuple[str, str, str, str, str]] = []
    results: list[str] = []

    @app.on("batch_job_result")
    def translated(ctx: CallbackContext) -> None:
        event = ctx.event
        assert isinstance(event, BatchJobResultEvent)
        seen.append((event.job_id, event.job_type, event.auth_corp_id, event.service_corp_id, ctx.receive_id))
        results.append(app.client.get_batch_result(event.job_id).url)

    job = app.client.contact_id_translate(world.corp_id, ["media-1"])
    assert sandbox.pushes.labelled("batch_job_result") == []  # the job ends after the call answered
    sandbox.advance(1)
    delivery = sandbox.pushes.labelled("batch_job_result")[-1]
    assert delivery.ok, delivery.as_json()
    assert delivery.attempts[-1].body == "success"
    assert seen == []  # recorded first, handled by the worker afterwards
    assert app.process_pending() == 1
    provider = app.config.provider_corp_id
    assert seen == [(job.jobid, "contact_id_translate", world.corp_id, provider, provider)]
    assert len(results) == 1
    assert results[0].endswith(f"{job.jobid}.xlsx")
    assert sandbox.counters["service/batch/getresult"] == 1
    sandbox.advance(1)  # announced once
    assert len(sandbox.pushes.labelled("batch_job_result")) == 1
    assert app.process_pending() == 0
