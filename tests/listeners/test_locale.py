"""Steps and answers in the person's language, through signed requests into the running app.

FakeSlack's ``users.info`` answers ``user.locale`` only when asked with ``include_locale``,
like Slack; a person the fake does not know, or a failing ``users.info``, gets English.
"""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.guide.steps import default_steps
from bot.identity import Person
from bot.slack.locale import LocaleCache
from bot.ui import actions
from tests.fakes.slack import FakeSlack
from tests.support import payloads
from tests.support.block_kit import block_kit_problems
from tests.support.blocks import all_text, find_button, response_blocks
from tests.support.running_app import RunningApp

STEPS = default_steps()
PHONE = STEPS[2]  # step 3, "Verify your phone number"


def _load_the_chinese_segmenter(app: RunningApp) -> None:
    """jieba loads its dictionary on the first Chinese text (~2 s on a busy machine), which
    could outlast the slash command's ack; a real deployment pays that once per process."""
    app.services.troubleshooting.search("手机")


def _locale_lookups(slack: FakeSlack) -> list[object]:
    return [c for c in slack.calls_to("users.info") if "include_locale" in c.params]


@pytest.mark.parametrize(
    ("locale", "title", "next_label", "header"),
    [
        ("zh-CN", "验证手机号", "下一步 →", "第 3 步（共 7 步）"),
        ("es-ES", "Verifica tu número de teléfono", "Siguiente →", "Paso 3 de 7"),
        ("es-LA", "Verifica tu número de teléfono", "Siguiente →", "Paso 3 de 7"),
    ],
)
def test_step_is_shown_in_the_persons_slack_locale(
    app: RunningApp, locale: str, title: str, next_label: str, header: str
) -> None:
    app.slack.add_user("U0LOCAL", locale=locale)
    blocks = response_blocks(app.command("3", user_id="U0LOCAL").body)
    text = all_text(blocks)
    assert title in text and header in text
    assert PHONE.title not in text
    assert find_button(blocks, actions.OPEN_STEP, "4")["text"]["text"] == next_label
    assert block_kit_problems(blocks) == []
    (lookup,) = _locale_lookups(app.slack)
    assert lookup.params["user"] == "U0LOCAL"


@pytest.mark.parametrize("how", ["en-US", "zh-TW", "unknown person", "users.info fails"])
def test_step_is_english_for_english_unknown_or_failing_lookups(app: RunningApp, how: str) -> None:
    if how == "users.info fails":
        app.slack.add_user("U0LOCAL", locale="zh-CN")
        app.slack.fail_users_info("missing_scope")
    elif how != "unknown person":
        app.slack.add_user("U0LOCAL", locale=how)
    response = app.command("3", user_id="U0LOCAL")
    assert response.status == 200
    blocks = response_blocks(response.body)
    assert PHONE.title in all_text(blocks)
    assert find_button(blocks, actions.OPEN_STEP, "4")["text"]["text"] == "Next →"


def test_locale_is_asked_once_then_cached(app: RunningApp) -> None:
    app.slack.add_user("U0LOCAL", locale="es-ES")
    for text, spanish in (("", "Siete pasos"), ("2", "Paso 2 de 7"), ("3", "Paso 3 de 7")):
        assert spanish in all_text(response_blocks(app.command(text, user_id="U0LOCAL").body))
    assert len(_locale_lookups(app.slack)) == 1


def test_overview_next_button_and_home_follow_the_locale(app: RunningApp) -> None:
    app.slack.add_user("U0LOCAL", locale="zh-CN")
    overview = all_text(response_blocks(app.command("", user_id="U0LOCAL").body))
    assert "获取你的 OpenAI API 密钥" in overview and "已完成 0/7 步" in overview
    app.action(actions.action_id(actions.OPEN_STEP, 4), "4", user_id="U0LOCAL")
    (replaced,) = app.slack.wait_for("response_url")
    assert replaced.params["replace_original"] is True
    assert "创建 API 密钥" in all_text(replaced.blocks())
    app.action(actions.action_id(actions.MARK_DONE, 4), "4", user_id="U0LOCAL")
    (published,) = app.slack.wait_for("views.publish")
    home = all_text(published.view()["blocks"])
    assert "你的 OpenAI 设置" in home and "已完成 1/7 步" in home


def test_home_tab_is_published_in_the_persons_locale(app: RunningApp) -> None:
    app.slack.add_user("U0LOCAL", locale="es-ES")
    app.event(payloads.app_home_opened("U0LOCAL"))
    (published,) = app.slack.wait_for("views.publish")
    view = published.view()
    assert "Tu configuración de OpenAI" in all_text(view["blocks"])
    assert block_kit_problems(view["blocks"], max_blocks=100) == []


def test_chinese_question_gets_a_chinese_answer_even_from_an_english_locale(
    app: RunningApp,
) -> None:
    app.slack.add_user("U0LOCAL", locale="en-US")
    _load_the_chinese_segmenter(app)
    question = "为什么我收到 429 insufficient_quota 错误？"
    blocks = response_blocks(app.command(question, user_id="U0LOCAL").body)
    text = all_text(blocks)
    assert "429 insufficient_quota：" in text
    assert "*原因：*" in text and "*解决办法：*" in text
    assert "You exceeded your current quota" in text  # the error message stays as OpenAI says
    assert "Despite the 429 status" not in text


def test_spanish_question_gets_a_spanish_answer(app: RunningApp) -> None:
    blocks = response_blocks(
        app.command("¿Por qué recibo el error 429 insufficient_quota en mi cuenta?").body
    )
    text = all_text(blocks)
    assert "*Por qué:*" in text and "*Solución:*" in text
    assert "Aunque el estado sea 429" in text


def test_english_question_from_a_spanish_locale_is_answered_in_spanish(app: RunningApp) -> None:
    app.slack.add_user("U0LOCAL", locale="es-ES")
    text = all_text(response_blocks(app.command("429 insufficient_quota", user_id="U0LOCAL").body))
    assert "*Solución:*" in text


def test_direct_message_and_mention_answer_in_the_persons_locale(app: RunningApp) -> None:
    app.slack.add_user("U0LOCAL", locale="zh-CN")
    app.event(payloads.message_im("my phone number is rejected", user_id="U0LOCAL"))
    (dm,) = app.slack.wait_for("chat.postMessage")
    assert "无法验证手机号" in all_text(dm.blocks())
    app.event(payloads.app_mention("<@UBOT0001> 429 insufficient_quota", user_id="U0LOCAL"))
    mention = app.slack.wait_for("chat.postMessage", 2)[-1]
    assert "*解决办法：*" in all_text(mention.blocks())


def test_translated_answer_escapes_the_question_like_the_english_one(app: RunningApp) -> None:
    app.slack.add_user("U0LOCAL", locale="zh-CN")
    _load_the_chinese_segmenter(app)
    blocks = response_blocks(
        app.command("<!channel> <@U0BOSS> 为什么 429 insufficient_quota", user_id="U0LOCAL").body
    )
    text = all_text(blocks)
    assert "&lt;!channel&gt;" in text
    assert "<!" not in text and "<@" not in text


def test_fake_users_info_adds_locale_only_when_asked(slack: FakeSlack) -> None:
    slack.add_user("U0LOCAL", locale="zh-CN")
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    assert "locale" not in client.users_info(user="U0LOCAL")["user"]
    assert client.users_info(user="U0LOCAL", include_locale=True)["user"]["locale"] == "zh-CN"
    slack.fail_users_info("missing_scope")
    with pytest.raises(SlackApiError):
        client.users_info(user="U0LOCAL", include_locale=True)


def test_cache_expires_and_is_bounded(slack: FakeSlack) -> None:
    now = [0.0]
    cache = LocaleCache(ttl=600, failure_ttl=60, maxsize=2, timer=lambda: now[0])
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    people = [Person("", "T0001", f"U{n}") for n in range(3)]
    for person in people:
        slack.add_user(person.user_id, locale="es-ES")
    assert cache.locale_of(people[0], client) == "es"
    assert cache.locale_of(people[0], client) == "es"
    assert len(_locale_lookups(slack)) == 1
    now[0] = 601.0
    assert cache.locale_of(people[0], client) == "es"
    assert len(_locale_lookups(slack)) == 2  # expired: asked again
    cache.locale_of(people[1], client)
    cache.locale_of(people[2], client)  # maxsize 2: the least recently used goes
    cache.locale_of(people[0], client)
    assert len(_locale_lookups(slack)) == 5
    slack.fail_users_info("ratelimited")
    stranger = Person("", "T0001", "U9")
    assert cache.locale_of(stranger, client) == "en"
    assert cache.locale_of(stranger, client) == "en"
    assert len(_locale_lookups(slack)) == 6  # a failure is cached too, but briefly
    slack.fail_users_info(None)
    slack.add_user("U9", locale="zh-CN")
    now[0] += 61
    assert cache.locale_of(stranger, client) == "zh-Hans"
