"""The piecework products the bureau knows by name (an order may name any other product)."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary


class Product(Vocabulary):
    noun = nonmember("产品")

    CHINESE_KNOT = "chinese_knot", "中国结", "中国结编织"
    BAG = "bag", "箱包", "包"


class ReviewVerdict(Vocabulary):
    """A firm's word on a hand-in of its order."""

    noun = nonmember("企业确认")

    CONFIRMED = "confirmed", "企业已确认", "确认"
    DISPUTED = "disputed", "企业有异议", "异议"
