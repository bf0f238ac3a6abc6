"""The codes of employment follow-up and their words."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary


class FollowUpOutcome(Vocabulary):
    """What a follow-up found."""

    noun = nonmember("回访结果")

    EMPLOYED = "employed", "仍在岗", "在岗", "在职"
    ENDED = "ended", "已离岗", "离岗", "离职"


class EndReason(Vocabulary):
    """Why a spell of work ended."""

    noun = nonmember("离岗原因")

    QUIT = "quit", "本人辞职", "辞职", "主动离职"
    DISMISSED = "dismissed", "被辞退", "辞退", "解聘"
    CONTRACT_ENDED = "contract_ended", "合同到期", "合同期满", "到期"
    MOVED_AWAY = "moved_away", "外出迁居", "搬走", "外迁", "迁出"


# Months after the start at which staff (or the firm) call to ask how the work goes.
FOLLOW_UP_MONTHS = (1, 3, 6)
