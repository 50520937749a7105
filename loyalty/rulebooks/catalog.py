"""Every rule of the Rulebook (shared/RULEBOOK.md) with a short title a staff member understands.

The back office shows a rule ID in words wherever it shows one (a bill's exclusions, a ledger entry's reason):
``describe("NX3")`` gives ``"NX3 — Accommodation charges other than room charges and package fees (mini bar,
massage, ...)"``, and ``describe("NX3", "ja")`` the same rule in Japanese. Pure Python: no Django, no database.
"""

from __future__ import annotations

RULES: dict[str, str] = {
    # 1. Membership
    "M1": "Membership number unique in its program and never reused",
    "M2": "Legacy OCI and My JALHotels cards identify the member; every card ever held resolves to the member",
    "M3": "Enrollment at a hotel, the office or the website; email required unless the office enrolls",
    "M4": "Physical card mailed later (fulfilment tracked); temporary card printed from My Account",
    "M5": "Lost card reissued on request; the old card is marked lost",
    "M6": "New Otani admission date: the day the member receives and signs the card",
    "M7": "Member updates address, phone and email; name changes through the office only",
    "M8": "Duplicate memberships merged into one surviving member",
    "M9": "Withdrawal, cancellation or fraud forfeits all points at once",
    "M10": "Membership categories decide which services apply (e.g. family transfer)",
    # 2. Earning: New Otani Club
    "NE1": "5 points for every full JPY 100 of eligible amount per calculation unit",
    "NE2": "Earns at Group Hotels in Japan and their designated restaurants and bars (on the date of use)",
    "NE3": "Eligible amount: room or food and beverage charges, package fees, and their tax and service",
    "NE4": "Conditions: used by the member, card presented, paid on the spot, booked directly with the hotel",
    "NE5": "At most two rooms earn per stay: the member's own and one other named room",
    "NE6": "Calculation units: each billing, each night, each restaurant or bar bill separately",
    "NE7": "Points are pending after payment and posted about 10 days later",
    "NE8": "No points on a bill that earns points of another Group Hotel program",
    "NE9": "Parts paid with certificates, coupons or other organizations' points earn nothing",
    "NX1": "Associate hotels in Japan and Group Hotels outside Japan",
    "NX2": "A payment amount under JPY 100",
    "NX3": "Accommodation charges other than room charges and package fees (mini bar, massage, ...)",
    "NX4": "Restaurant and bar charges other than food and beverage and package fees (private rooms, flowers, ...)",
    "NX5": "Restaurant weddings",
    "NX6": "Stays reserved through travel companies or Internet channels other than the hotel's website",
    "NX7": "Payments not made by the member",
    "NX8": "Payments made later than the day of use (e.g. bank transfer) without the hotel's approval",
    "NX9": "Payments through master accounts of conventions, organizations or groups",
    "NX10": "Accommodation or dining paid together with banquet fees",
    "NX11": "Part paid with Reward Certificates",
    "NX12": "Part paid with tickets, coupons or vouchers",
    "NX13": "Uses before the member's admission date",
    "NX14": "Payments with other organizations' points or benefits, or under their rates and plans",
    "NX15": "Charge categories the program excludes",
    # 3. Earning: One Harmony
    "OE1": "Points earned from the day of registration at member hotels' rooms, restaurants and bars",
    "OE2": "Stays 20 points and dining 10 points for every full JPY 1,000 per calculation unit",
    "OE3": "Travel-agency and online-travel-agency stays earn only at hotels that allow it",
    "OE4": "Restaurant bills charged to the room earn, calculated at check-out",
    "OE5": "JAL Coupons: only at Nikko and JAL City hotels; dining paid with them earns nothing",
    "OE6": "Status bonus for Loyal and Exclusive members (not counted toward status)",
    # 4. Stay history
    "SH1": "Room nights count per night stayed, except group and complimentary stays",
    "SH2": "Stay history shown in My Account",
    # 5. Status
    "ST1": "Status earned in a calendar year applies April 1 to March 31 of the year after next",
    "ST2": "Loyal and Exclusive thresholds in qualifying points or eligible nights",
    "ST3": "2013 migration of OCI and My JALHotels status and points",
    # 6. Expiry
    "EX1": "One Harmony points expire at the end of January, two years after the year earned",
    "EX2": "New Otani points expire on September 30, two years after the yearly tally",
    "EX3": "The date of use fixes the expiry date, not the posting date",
    "EX4": "Points expiring soonest are spent first",
    "EX5": "A negative balance does not expire and is paid off by later earnings",
    "EX6": "Coming expiry dates shown with the points that lapse",
    # 7. Retraction
    "R1": "Points of a refunded or unpaid amount are taken back (the balance may go negative)",
    # 8. Redemption
    "NR1": "Every 5,000 points redeem for one JPY 5,000 Reward Certificate; requests cannot be cancelled",
    "NR2": "Certificates handed over at a Group Hotel in Japan; request at least 10 days before arrival",
    "NR3": "Certificate rules: valid one year, day of use only, no change, never reissued, no points on it",
    "OR1": "One Harmony awards: stay, upgrade, breakfast and gift awards at a point cost",
    # 9. Transfers
    "T1": "Points move only between family members of the same principal member",
    "T2": "Both sides must consent to a transfer",
    "T3": "All points of the giver move at once, keeping their expiry dates",
    "T4": "No transfers for membership categories that exclude them",
    "T5": "No transfer to non-family, no inheritance, no trading, no cash",
    # 10. My Account and login
    "A1": "Login with the membership number (MYJ or 700-number too) or the email address",
    "A2": "Password of 6 to 12 characters with capitals, small letters and digits",
    "A3": "Forgotten password reset sent to the registered email",
    "A4": "Account summary: balance, pending, expiries, status, stays, activity",
    "A5": "Missing points or nights claimed within 6 months of the date of use",
    # 11. Program terms
    "PT1": "Terms and rule settings are effective-dated: a past bill is judged by the rules of its date",
    "PT2": "The program may be changed or ended; entitlements lapse unless announced otherwise",
    # 12. Scheduled jobs
    "J1": "Daily posting of pending points whose posting date has come",
    "J2": "One Harmony expiry run (February 1)",
    "J3": "New Otani expiry run (October 1)",
    "J4": "One Harmony yearly status qualification (January 15 and April 1)",
}


# The same sentences in Japanese, for staff reading the office in Japanese (issue 16). Every rule of RULES has one.
RULES_JA: dict[str, str] = {
    # 1. 会員
    "M1": "会員番号はプログラム内で一意で、再利用しない",
    "M2": "旧OCIカード・旧My JALHotelsカードでも会員を特定できる。これまでに持ったどのカードでも会員にたどり着く",
    "M3": "入会はホテル・オフィス・ウェブサイトで。オフィスが入会手続きをする場合を除きメールアドレスが必要",
    "M4": "物理カードは後日郵送 (発送を管理)。仮カードはMy Accountから印刷",
    "M5": "紛失したカードは申請により再発行し、旧カードは紛失扱いにする",
    "M6": "ニューオータニの入会日: 会員がカードを受け取り署名した日",
    "M7": "住所・電話番号・メールアドレスは会員が変更し、氏名の変更はオフィスのみが行う",
    "M8": "重複した会員資格は存続する1つの会員に統合する",
    "M9": "退会・会員資格の取消・不正があった場合、すべてのポイントを一度に失効させる",
    "M10": "会員区分によって利用できるサービス (例: ファミリー移行) が決まる",
    # 2. 付与: ニューオータニクラブ
    "NE1": "計算単位ごとに、対象金額100円につき5ポイント",
    "NE2": "国内グループホテルと、その指定レストラン・バーで付与 (利用日時点の指定)",
    "NE3": "対象金額: 客室料金・飲食料金・パッケージ料金と、その税金・サービス料",
    "NE4": "条件: 会員本人の利用、カードの提示、その場での精算、ホテルへの直接予約",
    "NE5": "1回の滞在で付与対象は2室まで: 会員本人の客室と、名前のあるもう1室",
    "NE6": "計算単位: 精算ごと、1泊ごと、レストラン・バーの伝票ごとに別々に計算",
    "NE7": "ポイントは精算後に仮ポイントとなり、約10日後に確定する",
    "NE8": "他のグループホテルのプログラムのポイントが付く伝票にはポイントを付与しない",
    "NE9": "特典券・クーポン・他社ポイントで支払った部分にはポイントを付与しない",
    "NX1": "国内のアソシエイトホテルと海外のグループホテル",
    "NX2": "100円未満の支払額",
    "NX3": "客室料金・パッケージ料金以外の宿泊関連料金 (ミニバー、マッサージなど)",
    "NX4": "飲食料金・パッケージ料金以外のレストラン・バーの料金 (個室料、花など)",
    "NX5": "レストランウェディング",
    "NX6": "旅行会社やホテル公式サイト以外のインターネット経由で予約した宿泊",
    "NX7": "会員本人以外による支払",
    "NX8": "ホテルの承認なく利用日より後に行われた支払 (銀行振込など)",
    "NX9": "会議・団体・グループのマスターアカウントによる支払",
    "NX10": "宴会料金と一緒に支払った宿泊・飲食",
    "NX11": "特典券 (Reward Certificate) で支払った部分",
    "NX12": "チケット・クーポン・商品券で支払った部分",
    "NX13": "会員の入会日より前の利用",
    "NX14": "他社のポイントや特典による支払、または他社の料金・プランでの利用",
    "NX15": "プログラムが対象外とする料金区分",
    # 3. 付与: One Harmony
    "OE1": "登録日から、加盟ホテルの客室・レストラン・バーの利用でポイントを付与",
    "OE2": "計算単位ごとに、1,000円につき宿泊20ポイント・飲食10ポイント",
    "OE3": "旅行会社・オンライン旅行会社経由の宿泊は、それを認めるホテルでのみ付与",
    "OE4": "客室付けにしたレストランの伝票も付与対象で、チェックアウト時に計算",
    "OE5": "JALクーポン: 日航ホテル・JALシティのみで利用可。JALクーポンで支払った飲食には付与しない",
    "OE6": "Loyal・Exclusive会員へのステータスボーナス (ステータスの資格には数えない)",
    # 4. 宿泊履歴
    "SH1": "泊数は1泊ごとに数える。団体・無料の宿泊は除く",
    "SH2": "宿泊履歴はMy Accountに表示",
    # 5. ステータス
    "ST1": "ある暦年に獲得したステータスは、翌々年の4月1日から3月31日まで有効",
    "ST2": "Loyal・Exclusiveの基準は、資格ポイントまたは対象泊数",
    "ST3": "2013年のOCI・My JALHotelsのステータスとポイントの移行",
    # 6. 有効期限
    "EX1": "One Harmonyのポイントは、獲得した年の2年後の1月末に失効",
    "EX2": "ニューオータニのポイントは、年次集計の2年後の9月30日に失効",
    "EX3": "有効期限は確定日ではなく利用日で決まる",
    "EX4": "有効期限の近いポイントから先に使う",
    "EX5": "マイナス残高は失効せず、その後に獲得したポイントで返済する",
    "EX6": "今後の有効期限を、失効するポイント数とともに表示",
    # 7. 取消
    "R1": "返金・未払いとなった金額のポイントは取り消す (残高がマイナスになることがある)",
    # 8. 交換
    "NR1": "5,000ポイントごとに5,000円の特典券1枚と交換。申込は取り消せない",
    "NR2": "特典券は国内グループホテルで手渡し。到着日の10日以上前に申し込む",
    "NR3": "特典券の規則: 有効期間1年、利用日当日のみ、おつりなし、再発行なし、ポイント付与なし",
    "OR1": "One Harmonyの特典: 宿泊・アップグレード・朝食・ギフトの特典を所定のポイントで交換",
    # 9. 移行
    "T1": "ポイントは同じ本会員の家族会員の間でのみ移行できる",
    "T2": "移行には双方の同意が必要",
    "T3": "移行元のポイントは有効期限を保ったまま一度にすべて移行する",
    "T4": "移行を認めない会員区分では移行できない",
    "T5": "家族以外への移行・相続・売買・換金はできない",
    # 10. My Accountとログイン
    "A1": "会員番号 (MYJ番号・700番号も可) またはメールアドレスでログイン",
    "A2": "パスワードは6〜12文字で、大文字・小文字・数字を含む",
    "A3": "パスワードを忘れた場合は、登録メールアドレスに再設定の案内を送る",
    "A4": "アカウント概要: 残高、仮ポイント、有効期限、ステータス、宿泊、利用履歴",
    "A5": "不足しているポイントや泊数は、利用日から6か月以内に申請する",
    # 11. 規約
    "PT1": "規約と規則の設定には適用開始日があり、過去の伝票はその日付の規則で判定する",
    "PT2": "プログラムは変更・終了することがあり、別途告知がない限り権利は失効する",
    # 12. 定期ジョブ
    "J1": "確定日を迎えた仮ポイントを毎日確定する",
    "J2": "One Harmonyの失効処理 (2月1日)",
    "J3": "ニューオータニの失効処理 (10月1日)",
    "J4": "One Harmonyの年次ステータス判定 (1月15日と4月1日)",
}


SENTENCES: dict[str, dict[str, str]] = {"en": RULES, "ja": RULES_JA}


def describe(rule_id: str, language: str = "en") -> str:
    """``"NX3 — <title>"`` in ``language`` (``en``, ``ja``; any other: English); the ID alone when it is not a rule of
    the Rulebook (e.g. a free-text reason). The rule ID itself is never translated."""
    key = (rule_id or "").strip()
    sentences = SENTENCES.get((language or "en").split("-")[0], RULES)
    title = sentences.get(key.upper()) or RULES.get(key.upper())
    return f"{key.upper()} — {title}" if title else key
