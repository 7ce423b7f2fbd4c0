"""Demo organisations, users and productions: a Pingyuan-like zone, or a whole province.

Everything is found again by its natural key (organisation name, username, company + title) and
generated from fixed seeds, so a second run finds what the first one made and creates nothing.
Seeders of later apps get the organisations through ``demo_organizations(kind, scale=...)`` in the
order they were generated: the first of each kind is the one the demo users belong to.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from studio.demo_logins import DEMO_PASSWORD
from studio.demo_progress import progress
from studio.models import Membership, Organization, Production

BATCH_SIZE = 500
#: Above this many rows a step draws a progress bar.
PROGRESS_THRESHOLD = 200


@dataclass(frozen=True)
class Scale:
    review_centres: int
    operators: int
    companies: int
    productions_per_company: tuple[int, int]


#: The zone is Pingyuan-like (DOMAIN.md: 3 bases, a review sub-centre, a dozen active companies); the
#: province is the benchmark target (50 bases, 2,000 companies, one review centre per prefecture city).
SCALES = {
    "zone": Scale(review_centres=1, operators=3, companies=60, productions_per_company=(18, 26)),
    "province": Scale(review_centres=18, operators=50, companies=2000, productions_per_company=(3, 7)),
}
#: The zone's twelve resident companies (COMPANIES, 2–4 productions each, shooting around now) and the
#: companies from across Henan that come to shoot there, many titles each over the last six months and
#: the next two: the zone serves 200+ crews a month (DOMAIN.md). The generated companies start their
#: productions up to this many days back (bookings.demo shoots them in the zone on their planned days).
RESIDENT_PRODUCTIONS = (2, 4)
HISTORY_DAYS = 185

K = Organization.Kind
R = Membership.Role
G = Production.Genre

#: (username, organisation kind, index of the organisation of that kind, role, is_staff, is_superuser)
DEMO_USERS = [
    ("admin", None, None, None, True, True),
    ("operator1", K.BASE_OPERATOR, 0, R.OWNER, True, False),
    ("producer1", K.PRODUCTION_COMPANY, 0, R.OWNER, True, False),
    ("producer2", K.PRODUCTION_COMPANY, 1, R.COORDINATOR, False, False),
    ("reviewer1", K.REVIEW_CENTRE, 0, R.REVIEWER, True, False),
    ("zone1", K.ZONE_MANAGEMENT, 0, R.MANAGER, False, False),
]
#: Every other organisation gets one login too (``producer7``, ``operator3`` ...), so that any tenant
#: can be tried; their prefix and role by kind.
LOGIN_PREFIX = {
    K.PRODUCTION_COMPANY: "producer",
    K.BASE_OPERATOR: "operator",
    K.REVIEW_CENTRE: "reviewer",
    K.ZONE_MANAGEMENT: "zone",
}
LOGIN_ROLE = {
    K.PRODUCTION_COMPANY: R.COORDINATOR,
    K.BASE_OPERATOR: R.OWNER,
    K.REVIEW_CENTRE: R.REVIEWER,
    K.ZONE_MANAGEMENT: R.MANAGER,
}

CITIES = [
    "新乡", "郑州", "开封", "洛阳", "平顶山", "安阳", "鹤壁", "焦作", "濮阳",
    "许昌", "漯河", "三门峡", "南阳", "商丘", "信阳", "周口", "驻马店", "济源",
]  # fmt: skip

REVIEW_CENTRES = [("平原示范区微短剧审查服务分中心", "平原审查分中心", "新乡")]
#: the zone's management (its members see the zone's figures); one at every scale: the demo zone's
ZONE_MANAGEMENTS = [("平原示范区微短剧产业发展服务中心", "平原示范区管理", "新乡")]

OPERATORS = [
    ("平原示范区影视基地运营管理有限公司", "平原影视基地", "新乡"),
    ("新乡黄河微短剧产业园运营有限公司", "黄河微短剧产业园", "新乡"),
    ("平原新区星光影视城管理有限公司", "星光影视城", "新乡"),
]

COMPANIES = [
    ("平原星河影视文化传媒有限公司", "星河影视", "新乡"),
    ("新乡竖屏时代影业有限公司", "竖屏时代", "新乡"),
    ("郑州甜宠工厂文化传播有限公司", "甜宠工厂", "郑州"),
    ("河南麦浪短剧科技有限公司", "麦浪短剧", "郑州"),
    ("郑州逆袭影视制作有限公司", "逆袭影视", "郑州"),
    ("新乡黄河故事影视传媒有限公司", "黄河故事", "新乡"),
    ("开封清明上河影业有限公司", "清明上河影业", "开封"),
    ("洛阳牡丹映画文化传媒有限公司", "牡丹映画", "洛阳"),
    ("郑州九州微剧文化科技有限公司", "九州微剧", "郑州"),
    ("平原一念影视有限公司", "一念影视", "新乡"),
    ("焦作太行光影文化传媒有限公司", "太行光影", "焦作"),
    ("许昌千帧短剧制作有限公司", "千帧短剧", "许昌"),
]

#: Trade names and business kinds that generated organisations are made of (18 × 60 × 6 > 2,000).
TRADE_NAMES = [
    "星辰", "云帆", "锦绣", "华夏", "鸿途", "盛世", "青禾", "麦田", "长河", "嵩山", "中原", "明月",
    "朝阳", "天籁", "瑞丰", "金穗", "银河", "紫荆", "墨韵", "千里", "万象", "凌云", "破晓", "追光",
    "织梦", "拾光", "映像", "光年", "匠心", "初心", "远山", "东篱", "南山", "北辰", "西岭", "新禾",
    "红枫", "白鹭", "青鸟", "金鹰", "鲲鹏", "麒麟", "凤鸣", "龙腾", "虎啸", "鹿鸣", "竹影", "松风",
    "梅香", "兰亭", "菊韵", "荷塘", "春晓", "夏至", "秋实", "冬阳", "晨曦", "暮雪", "星火", "灯塔",
]  # fmt: skip
COMPANY_KINDS = ["影视文化传媒", "影业", "文化传播", "短剧科技", "影视制作", "微剧文化"]
OPERATOR_KINDS = ["影视基地运营管理", "影视城管理", "微短剧产业园运营"]

#: (title, genre, special subject): realistic micro-drama titles for the zone.
TITLES = [
    ("闪婚后，豪门总裁宠上天", G.ROMANCE, False),
    ("重生八零：我在村里当首富", G.REVENGE, False),
    ("离婚后，前妻她惊艳全城", G.REVENGE, False),
    ("千金归来：真假千金大对决", G.FAMILY, False),
    ("天降萌宝：总裁爹地快投降", G.ROMANCE, False),
    ("反诈风暴", G.SUSPENSE, True),
    ("重生之嫡女凰谋", G.PERIOD, False),
    ("长公主在上", G.PERIOD, False),
    ("盛世医妃", G.PERIOD, False),
    ("她在深夜破案", G.SUSPENSE, False),
    ("法槌之下", G.OTHER, True),
    ("乡村振兴：我的返乡创业路", G.FAMILY, False),
    ("外卖小哥的逆袭人生", G.URBAN, False),
    ("社恐少女求生记", G.COMEDY, False),
    ("我在大厂当实习生", G.COMEDY, False),
    ("夫人她又在装乖", G.ROMANCE, False),
    ("铁血边关", G.OTHER, True),
    ("修仙归来我无敌了", G.FANTASY, False),
    ("玄门大师在都市", G.FANTASY, False),
    ("哑巴新娘", G.FAMILY, False),
    ("破产后我被全家团宠", G.COMEDY, False),
    ("缉毒先锋", G.SUSPENSE, True),
    ("穿越成县令，我靠种田逆袭", G.PERIOD, False),
    ("我的契约娇妻", G.ROMANCE, False),
    ("龙王赘婿", G.REVENGE, False),
    ("奶奶的老宅", G.FAMILY, False),
    ("黄河岸边的摆渡人", G.FAMILY, False),
    ("总裁的替身新娘", G.ROMANCE, False),
    ("神医下山", G.URBAN, False),
    ("谍影迷踪", G.SUSPENSE, True),
    ("云深不知归处", G.FANTASY, False),
    ("婆婆的逆袭", G.FAMILY, False),
    ("职场女王", G.URBAN, False),
    ("我和校草的秘密契约", G.ROMANCE, False),
    ("古玩街的捡漏王", G.URBAN, False),
    ("清明上河梦华录", G.PERIOD, False),
    ("傲娇王爷追妻记", G.PERIOD, False),
    ("重回高考那一年", G.FAMILY, False),
    ("民警老周", G.OTHER, True),
    ("豪门弃女杀疯了", G.REVENGE, False),
    ("我家老板是顶流", G.COMEDY, False),
    ("替嫁医妃惊天下", G.PERIOD, False),
    ("夜班急诊室", G.URBAN, False),
    ("我在民国当神探", G.SUSPENSE, False),
    ("全能奶爸", G.COMEDY, False),
    ("满级大佬回新手村", G.FANTASY, False),
    ("霸总的小娇妻又跑了", G.ROMANCE, False),
    ("县城往事", G.FAMILY, False),
]  # fmt: skip

#: Generated titles for the province: a hook and a core, each core with its genre.
HOOKS = [
    "闪婚后，", "重生后，", "离婚后，", "穿越后，", "觉醒后，", "下山后，", "退婚后，", "归来后，",
    "破产后，", "隐婚后，", "复仇记：", "逆袭记：", "新编·", "都市篇：", "民间篇：", "续集：",
]  # fmt: skip
CORES = [
    ("总裁他追悔莫及", G.ROMANCE), ("我成了全城首富", G.REVENGE), ("萌宝帮我追妈咪", G.ROMANCE),
    ("神医震惊全城", G.URBAN), ("战神王爷宠妻忙", G.PERIOD), ("真千金杀疯了", G.REVENGE),
    ("我靠直播带货翻身", G.URBAN), ("全家跪求我原谅", G.FAMILY), ("落魄皇子成帝王", G.PERIOD),
    ("修仙老祖在人间", G.FANTASY), ("豪门婆婆求我回家", G.FAMILY), ("小镇姑娘闯京城", G.URBAN),
    ("顶流影帝是我前夫", G.ROMANCE), ("我在古代开饭馆", G.COMEDY), ("迷雾中的真相", G.SUSPENSE),
    ("老宅里的秘密", G.SUSPENSE), ("保安大叔是隐世高手", G.URBAN), ("我的傻白甜老婆", G.COMEDY),
    ("将军夫人不好惹", G.PERIOD), ("赘婿的逆袭", G.REVENGE), ("天才少女的复仇", G.REVENGE),
    ("外婆的菜园子", G.FAMILY), ("相亲对象是大佬", G.ROMANCE), ("一胎六宝", G.FAMILY),
]  # fmt: skip

#: Totals spread over every tier boundary of both rule sets (¥300k / ¥1M until 2025, ¥1M / ¥3M from 2026).
INVESTMENTS = [
    180_000, 260_000, 300_000, 380_000, 520_000, 680_000, 850_000, 990_000, 1_000_000,
    1_200_000, 1_600_000, 2_200_000, 2_900_000, 3_000_000, 3_600_000, 5_000_000, 8_000_000,
]  # fmt: skip
#: how long after today the first demo company's first production keeps shooting
WEEK_AND_MORE = 9
MINUTES = ["1.0", "1.5", "1.5", "2.0", "2.0", "2.5", "3.0"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN_NAMES = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红"


@dataclass(frozen=True)
class OrgSpec:
    kind: str
    name: str
    short_name: str
    city: str


def _in_batches(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _generated(kinds: list[str], *, exclude: set[str], seed: str) -> Iterator[tuple[str, str, str]]:
    """Endless unique (name, short name, city) for generated organisations, in a fixed order."""
    combos = [(city, trade, kind) for city in CITIES for trade in TRADE_NAMES for kind in kinds]
    random.Random(seed).shuffle(combos)
    for city, trade, kind in combos:
        name = f"{city}{trade}{kind}有限公司"
        if name not in exclude:
            yield name, f"{city}{trade}", city


def organization_specs(kind: str, *, scale: str) -> list[OrgSpec]:
    """The organisations of ``kind`` at ``scale``: the named zone ones first, then generated ones."""
    count = {
        K.REVIEW_CENTRE: SCALES[scale].review_centres,
        K.BASE_OPERATOR: SCALES[scale].operators,
        K.PRODUCTION_COMPANY: SCALES[scale].companies,
        K.ZONE_MANAGEMENT: len(ZONE_MANAGEMENTS),
    }[kind]
    if kind == K.ZONE_MANAGEMENT:
        named, others = ZONE_MANAGEMENTS, iter(())
    elif kind == K.REVIEW_CENTRE:
        named = REVIEW_CENTRES
        others = (
            (f"{city}微短剧审查服务分中心", f"{city}审查分中心", city) for city in CITIES if city != "新乡"
        )
    else:
        named = OPERATORS if kind == K.BASE_OPERATOR else COMPANIES
        kinds = OPERATOR_KINDS if kind == K.BASE_OPERATOR else COMPANY_KINDS
        others = _generated(kinds, exclude={name for name, _, _ in named}, seed=f"{kind}-names")
    rows = list(islice(iter([*named, *others]), count))
    return [OrgSpec(kind, name, short_name, city) for name, short_name, city in rows]


def demo_organizations(kind: str, *, scale: str = "zone") -> list[Organization]:
    """The demo organisations of ``kind`` in generation order (for other apps' seeders)."""
    names = [spec.name for spec in organization_specs(kind, scale=scale)]
    by_name = Organization.objects.filter(kind=kind, name__in=names).in_bulk(field_name="name")
    return [by_name[name] for name in names if name in by_name]


def _contact(rng: random.Random, index: int, kind: str) -> dict:
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAMES, k=rng.choice([1, 2])))
    prefix = {
        K.PRODUCTION_COMPANY: "company",
        K.BASE_OPERATOR: "base",
        K.REVIEW_CENTRE: "review",
        K.ZONE_MANAGEMENT: "zone",
    }[kind]
    fields = {
        "contact_name": name,
        "contact_phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
        "contact_email": f"{prefix}{index + 1}@demo.shooting-circle.local",
        "province": "河南",
    }
    if kind == K.PRODUCTION_COMPANY:
        fields["licence_number"] = f"(豫)字第{rng.randrange(1, 10**5):05d}号"
    return fields


def _seed_organizations(kind: str, *, scale: str, stdout) -> tuple[list[Organization], int]:
    """Create the missing organisations of ``kind``; return them all in order and how many were new."""
    specs = organization_specs(kind, scale=scale)
    existing = set(
        Organization.objects.filter(name__in=[s.name for s in specs]).values_list("name", flat=True)
    )
    missing = []
    for index, spec in enumerate(specs):
        if spec.name in existing:
            continue
        rng = random.Random(f"{kind}-{index}")
        missing.append(
            Organization(
                kind=kind,
                name=spec.name,
                short_name=spec.short_name,
                city=spec.city,
                **_contact(rng, index, kind),
            )
        )
    batches = _in_batches(missing)
    if len(missing) > PROGRESS_THRESHOLD:
        label = Organization.Kind(kind).name.lower().replace("_", " ") + "s"
        total = -(-len(missing) // BATCH_SIZE)
        batches = progress(batches, total=total, label=f"  {label} (batches)", stdout=stdout)
    for batch in batches:
        Organization.objects.bulk_create(batch)
    return demo_organizations(kind, scale=scale), len(missing)


def _production_rows(company_index: int, *, scale: str, today) -> list[dict]:
    """The productions of the ``company_index``-th company, the same on every run."""
    rng = random.Random(f"productions-{company_index}")
    earliest = -90
    if company_index < len(COMPANIES):  # the named companies are the same at every scale
        count = rng.randint(*RESIDENT_PRODUCTIONS)
        per = -(-len(TITLES) // len(COMPANIES))
        titles = TITLES[company_index * per : company_index * per + count]
    else:
        # the zone's visiting companies are the same at every scale (the province contains the zone)
        zone = company_index < SCALES["zone"].companies
        count = rng.randint(*SCALES["zone" if zone else scale].productions_per_company)
        earliest = -HISTORY_DAYS if zone else earliest
        pairs = rng.sample([(hook, core) for hook in HOOKS for core in CORES], count)
        titles = [(hook + core, genre, False) for hook, (core, genre) in pairs]
        if rng.random() < 0.15:
            title, genre, special = rng.choice([t for t in TITLES if t[2]])
            titles[0] = (title, genre, special)
    rows = []
    for title, genre, special in titles:
        start = today + timedelta(days=rng.randint(earliest, 60))
        end = start + timedelta(days=rng.choice([3, 4, 5, 6, 6, 7, 7, 7, 8, 10]) - 1)
        if company_index == 0 and not rows:
            # producer1's company is always shooting its first title this week and next (its crew's week)
            start, end = today - timedelta(days=2), today + timedelta(days=WEEK_AND_MORE)
        if end < today - timedelta(days=30):
            status = rng.choice([Production.Status.POST_PRODUCTION, Production.Status.RELEASED])
        elif end < today:
            status = Production.Status.POST_PRODUCTION
        elif start <= today:
            status = Production.Status.SHOOTING
        elif start <= today + timedelta(days=21):
            status = Production.Status.PRE_PRODUCTION
        else:
            status = Production.Status.DEVELOPMENT
        investment = Decimal(rng.choice(INVESTMENTS) + rng.choice([0, 0, 20_000, 50_000]))
        if special:
            investment = max(investment, Decimal(800_000))
        rows.append(
            {
                "title": title,
                "genre": genre,
                "episode_count": rng.randrange(60, 101, 2),
                "minutes_per_episode": Decimal(rng.choice(MINUTES)),
                "total_investment": investment.quantize(Decimal("0.01")),
                "special_subject": special,
                "planned_start": start,
                "planned_end": end,
                "status": status,
            }
        )
    return rows


def _seed_productions(companies: list[Organization], *, scale: str, stdout, now) -> tuple[int, int]:
    """Create each company's missing productions (get-or-create on company + title)."""
    today = timezone.localdate(now)
    existing = set(
        Production.objects.filter(company__in=companies).values_list("company_id", "title").iterator()
    )
    missing, total, created = [], 0, 0
    rows = enumerate(companies)
    if len(companies) > PROGRESS_THRESHOLD:
        rows = progress(rows, total=len(companies), label="  productions (companies)", stdout=stdout)
    for index, company in rows:
        for row in _production_rows(index, scale=scale, today=today):
            total += 1
            if (company.pk, row["title"]) not in existing:
                missing.append(Production(company=company, **row))
        if len(missing) >= BATCH_SIZE:
            Production.objects.bulk_create(missing)
            created, missing = created + len(missing), []
    Production.objects.bulk_create(missing)
    return total, created + len(missing)


def _seed_logins(organizations: dict[str, list[Organization]], *, password_hash, stdout) -> int:
    """One login per organisation (``producer7`` ...), created with a member role when missing."""
    User = get_user_model()
    wanted = {
        f"{LOGIN_PREFIX[kind]}{index + 1}": (organization, LOGIN_ROLE[kind])
        for kind, orgs in organizations.items()
        for index, organization in enumerate(orgs)
    }
    existing_users = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new_users = [
        User(username=name, password=password_hash(), email=f"{name}@demo.shooting-circle.local")
        for name in wanted
        if name not in existing_users
    ]
    batches = _in_batches(new_users)
    if len(new_users) > PROGRESS_THRESHOLD:
        batches = progress(batches, total=-(-len(new_users) // BATCH_SIZE), label="  logins", stdout=stdout)
    for batch in batches:
        User.objects.bulk_create(batch)
    user_ids = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    existing_memberships = set(
        Membership.objects.filter(user_id__in=user_ids.values()).values_list("user_id", "organization_id")
    )
    new_memberships = [
        Membership(user_id=user_ids[name], organization=organization, role=role)
        for name, (organization, role) in wanted.items()
        if (user_ids[name], organization.pk) not in existing_memberships
    ]
    for batch in _in_batches(new_memberships):
        Membership.objects.bulk_create(batch)
    return len(new_users)


def _seed_demo_users(organizations: dict[str, list[Organization]], *, password_hash) -> list[str]:
    """The named demo users: flags, membership and password reset to the documented ones."""
    User = get_user_model()
    lines = []
    verified: dict[str, bool] = {}
    for username, kind, index, role, is_staff, is_superuser in DEMO_USERS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "is_active": True,
                "email": f"{username}@demo.shooting-circle.local",
            },
        )
        if user.password not in verified:
            verified[user.password] = user.check_password(DEMO_PASSWORD)
        if not verified[user.password]:
            User.objects.filter(pk=user.pk).update(password=password_hash())
        if kind is None:
            lines.append(f"  {username:<10} superuser")
            continue
        organization = organizations[kind][index]
        Membership.objects.update_or_create(
            user=user, organization=organization, defaults={"role": role, "is_active": True}
        )
        lines.append(f"  {username:<10} {Membership.Role(role).label} @ {organization.name}")
    return lines


def seed(*, scale: str, stdout, now) -> list[str]:
    """Organisations of every kind, a login for each, the named demo users and the productions."""
    organizations, new_orgs = {}, 0
    for kind in (K.REVIEW_CENTRE, K.BASE_OPERATOR, K.PRODUCTION_COMPANY, K.ZONE_MANAGEMENT):
        organizations[kind], created = _seed_organizations(kind, scale=scale, stdout=stdout)
        new_orgs += created
    # Hashing is slow on purpose: hash once, only if a login needs it, and share the hash.
    password_hash = cache(lambda: make_password(DEMO_PASSWORD))
    new_logins = _seed_logins(organizations, password_hash=password_hash, stdout=stdout)
    users = _seed_demo_users(organizations, password_hash=password_hash)
    productions, new_productions = _seed_productions(
        organizations[K.PRODUCTION_COMPANY], scale=scale, stdout=stdout, now=now
    )
    counts = {kind: len(orgs) for kind, orgs in organizations.items()}
    return [
        f"Organisations: {counts[K.REVIEW_CENTRE]} review centre(s), {counts[K.BASE_OPERATOR]} base "
        f"operators, {counts[K.PRODUCTION_COMPANY]} production companies, {counts[K.ZONE_MANAGEMENT]} zone "
        f"management ({new_orgs} new)",
        f"Logins: one per organisation ({new_logins} new)",
        f"Productions: {productions} ({new_productions} new)",
        "Demo users:",
        *users,
    ]
