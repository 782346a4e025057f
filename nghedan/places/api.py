"""The JSON API for administrative units: public reference data, read only."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nghedan.api.pagination import LimitOffset
from nghedan.lib.refusal import Refused
from nghedan.places import gazetteer
from nghedan.places.models import Commune, LegacyUnit, Province

router = Router(auth=None, tags=["địa danh"])


class ProvinceOut(Schema):
    code: str = Field(examples=["79"])
    name: str = Field(examples=["Thành phố Hồ Chí Minh"])
    short_name: str = Field(examples=["Hồ Chí Minh"])


class CommuneOut(Schema):
    code: str = Field(examples=["26740"])
    name: str = Field(examples=["Phường Sài Gòn"])
    short_name: str = Field(examples=["Sài Gòn"])
    kind: str = Field(description="phuong, xa hoặc dac_khu.", examples=["phuong"])
    province: ProvinceOut


class LegacyUnitOut(Schema):
    code: str = Field(examples=["26740"])
    level: str = Field(description="province, district hoặc ward.", examples=["ward"])
    kind: str = Field(examples=["phuong"])
    name: str = Field(examples=["Phường Bến Nghé"])
    full_name: str = Field(examples=["Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"])


class ResolutionOut(Schema):
    status: str = Field(description="found, ambiguous hoặc not_found.", examples=["found"])
    commune: CommuneOut | None = Field(description="Xã, phường hiện nay; trống khi chưa chắc chắn.")
    candidates: list[CommuneOut] = Field(
        description="Khi ambiguous: các xã, phường có thể; khi found: các khả năng khác."
    )
    province: ProvinceOut | None
    legacy: LegacyUnitOut | None = Field(description="Đơn vị cũ nhận ra trong địa chỉ, nếu có.")
    explanation: str


@router.get("/provinces", response=list[ProvinceOut], summary="Các tỉnh, thành phố")
def list_provinces(request):
    return Province.objects.all()


@router.get("/communes", response=list[CommuneOut], summary="Các xã, phường, đặc khu")
@paginate(LimitOffset)
def list_communes(
    request,
    province: str | None = Query(None, description="Mã tỉnh, thành phố, ví dụ 79."),
    q: str | None = Query(None, description="Một phần tên, có dấu hay không dấu, ví dụ: sai gon."),
):
    """Lọc theo mã tỉnh (`province`) và theo tên, có dấu hay không dấu (`q`)."""
    communes: QuerySet[Commune] = Commune.objects.select_related("province")
    if province:
        if not Province.objects.filter(code=province).exists():
            raise Refused(
                "unknown_province",
                _("Không có tỉnh, thành phố mã {code}; xem danh sách tại /provinces.").format(
                    code=province
                ),
                field="province",
            )
        communes = communes.filter(province__code=province)
    if q:
        check_length(q, "q")
        communes = communes.filter(
            code__in=[commune.code for commune in gazetteer.communes_named(q)]
        )
    return communes.order_by("province__code", "name")


@router.get("/communes/{code}", response=CommuneOut, summary="Một xã, phường, đặc khu")
def get_commune(request, code: str):
    commune = Commune.objects.select_related("province").filter(code=code).first()
    if commune is None:
        raise Refused(
            "unknown_commune",
            _("Không có xã, phường, đặc khu mã {code}.").format(code=code[:20]),
            status=404,
        )
    return commune


@router.get("/resolve", response=ResolutionOut, summary="Tìm xã, phường hiện nay từ một địa chỉ")
def resolve_address(
    request,
    address: str | None = Query(None, description="Địa chỉ, tối đa 300 ký tự."),
):
    """Địa chỉ viết theo tên cũ hoặc mới, có dấu hay không dấu, ví dụ `P. Bến Nghé, Q.1, TP.HCM`.

    Khi địa chỉ khớp nhiều xã, phường, kết quả là `ambiguous` kèm danh sách để chọn.
    """
    if not address or not address.strip():
        raise Refused(
            "address_required",
            _(
                "Hãy gửi địa chỉ cần tra cứu trong tham số address, "
                "ví dụ: P. Bến Nghé, Q.1, TP.HCM."
            ),
            field="address",
        )
    check_length(address, "address")
    resolution = gazetteer.resolve(address)
    return {
        "status": resolution.status,
        "commune": resolution.commune,
        "candidates": resolution.candidates,
        "province": resolution.province,
        "legacy": legacy_out(resolution.legacy),
        "explanation": resolution.explanation,
    }


def check_length(text: str, field: str) -> None:
    if len(text) > gazetteer.MAX_ADDRESS_LENGTH:
        raise Refused(
            "too_long",
            _("Tối đa {limit} ký tự; hãy rút gọn (đang có {length}).").format(
                limit=gazetteer.MAX_ADDRESS_LENGTH, length=len(text)
            ),
            field=field,
        )


def legacy_out(unit: LegacyUnit | None) -> dict | None:
    if unit is None:
        return None
    return {
        "code": unit.code,
        "level": unit.level,
        "kind": unit.kind,
        "name": unit.name,
        "full_name": unit.full_name,
    }
