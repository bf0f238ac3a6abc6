"""The piecework products the bureau knows by name (an order may name any other product)."""

from enum import nonmember

from jobmatch.vocabulary import Vocabulary


class Product(Vocabulary):
    noun = nonmember("产品")

    CHINESE_KNOT = "chinese_knot", "中国结", "中国结编织"
    BAG = "bag", "箱包", "包"
