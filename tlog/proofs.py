"""RFC 9162 inclusion and consistency proofs from the stored tree.

Invalid (422) for impossible arguments; NotFound (404) for a tree the log has not grown to.
"""

from flask_babel import gettext as _

from core.errors import Invalid, NotFound
from tlog import merkle, tree


def _require_tree(size: int, field: str) -> None:
    current = tree.tree_size()
    if size > current:
        raise NotFound(_("The log holds %(current)s entries; there is no tree of size %(size)s.",
                         current=current, size=size),
                       {field: [_("Must not exceed the current tree size %(current)s.",
                                  current=current)]})


def inclusion(index: int, size: int) -> dict:
    """Leaf `index`'s hash and its RFC 9162 audit path in the tree of `size` leaves.

    Invalid (422) when index >= size; NotFound (404) when the log is smaller than `size`.
    """
    if index >= size:
        raise Invalid(_("The leaf index must be below the tree size."),
                      {"index": [_("Must be less than %(field)s.", field="tree_size")]})
    _require_tree(size, "tree_size")
    store = tree.DbNodeStore()
    leaf = store.get_many([(0, index)])[(0, index)]
    return {"index": index, "tree_size": size, "leaf_hash": leaf,
            "hashes": merkle.inclusion_proof(store, index, size)}


def consistency(first: int, second: int) -> dict:
    """The RFC 9162 proof that the tree of `first` leaves is a prefix of the tree of `second`.

    Invalid (422) when first > second; NotFound (404) when the log is smaller than `second`.
    Empty when first is 0 or equals second.
    """
    if first > second:
        raise Invalid(_("The first tree size must not exceed the second."),
                      {"first": [_("Must not be greater than %(field)s.", field="second")]})
    _require_tree(second, "second")
    return {"first": first, "second": second,
            "hashes": merkle.consistency_proof(tree.DbNodeStore(), first, second)}
