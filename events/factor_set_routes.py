"""Factor sets over HTTP: the set in force and every version are public; the registry
administrator publishes new versions."""

from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import db, transaction
from core.schemas import PageArgs, page_of, page_schema
from events import factor_sets, views
from events.factors import FactorSetSchema
from events.schemas import FactorSetOut

blp = Blueprint("factor_sets", __name__, url_prefix="/api/v1/factor-sets",
                description="Emission-factor sets for footprints (versioned, immutable)")
FactorSetPage = page_schema(FactorSetOut, "FactorSetPage")


def _current_id() -> int:
    """The id of the set in force, storing the built-in set on first use (a write, so in
    its own transaction; later reads take no write lock)."""
    if factor_sets.builtin_missing():
        with transaction():
            factor_sets.ensure_builtin()
    return factor_sets.current_factor_set().id


@blp.route("")
class FactorSets(MethodView):
    @public
    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, FactorSetPage)
    def get(self, args):
        current_id = _current_id()
        page = page_of(factor_sets.list_factor_sets(), args["page"], args["per_page"],
                       db.session)
        return {**page, "items": [views.factor_set_view(row, current_id)
                                  for row in page["items"]]}

    @require_role("registry_admin")
    @blp.arguments(FactorSetSchema())
    @blp.response(201, FactorSetOut)
    def post(self, document):
        with transaction():
            loaded = factor_sets.load_factor_set(document, current_organization())
            return views.factor_set_view(loaded, loaded.id)


@blp.route("/current")
class CurrentFactorSet(MethodView):
    @public
    @blp.response(200, FactorSetOut)
    def get(self):
        current_id = _current_id()
        return views.factor_set_view(db.session.get(factor_sets.FactorSet, current_id),
                                     current_id)


@blp.route("/<string:version>")
class FactorSetByVersion(MethodView):
    @public
    @blp.response(200, FactorSetOut)
    def get(self, version):
        current_id = _current_id()
        return views.factor_set_view(factor_sets.get_factor_set(version), current_id)
