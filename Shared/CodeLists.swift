import Foundation

// The code lists of DOMAIN.md §2. Each is data: an unknown id round-trips unchanged.

/// 訪問の種類 — who visits whom under which programme.
public struct VisitKind: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "kind"
    public static let fureaiWatch: Self = "fureai_watch"
    public static let minseiWatch: Self = "minsei_watch"
    public static let kyoryokuinWatch: Self = "kyoryokuin_watch"
    public static let outreach: Self = "outreach"
    public static let nichijiCheckin: Self = "nichiji_checkin"
    public static let entries = [
        CodeEntry("fureai_watch", "ふれあいの会による見守り訪問", "Fureai-no-kai watch visit"),
        CodeEntry("minsei_watch", "民生委員・児童委員による訪問・見守り", "Minsei-iin watch visit"),
        CodeEntry("kyoryokuin_watch", "民生委員協力員による見守り・訪問同行", "Minsei-iin assistant watch visit"),
        CodeEntry("outreach", "アウトリーチ等を通じた継続的支援事業の訪問", "Outreach support visit"),
        CodeEntry("nichiji_checkin", "日常生活自立支援事業の定期訪問", "Daily-life independence support check-in"),
    ]
}

/// 接触方法 — how the contact happened, separate from the kind.
public struct ContactMethod: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "method"
    public static let homeVisit: Self = "home_visit"
    public static let phone: Self = "phone"
    public static let accompanied: Self = "accompanied"
    public static let meeting: Self = "meeting"
    public static let officeVisit: Self = "office_visit"
    public static let entries = [
        CodeEntry("home_visit", "訪問", "Home visit"),
        CodeEntry("phone", "電話", "Phone call"),
        CodeEntry("accompanied", "同行", "Accompanied visit"),
        CodeEntry("meeting", "会合・居場所での接触", "Contact at a meeting or gathering place"),
        CodeEntry("office_visit", "来所", "Office visit"),
    ]
}

/// 訪問者の役割.
public struct VisitorRole: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "role"
    public static let fureaiMember: Self = "fureai_member"
    public static let minseiIin: Self = "minsei_iin"
    public static let minseiKyoryokuin: Self = "minsei_kyoryokuin"
    public static let outreachWorker: Self = "outreach_worker"
    public static let coordinator: Self = "coordinator"
    public static let entries = [
        CodeEntry("fureai_member", "ふれあいの会 会員", "Fureai-no-kai member"),
        CodeEntry("fureai_han_leader", "ふれあいの会 班長", "Fureai-no-kai group leader"),
        CodeEntry("fureai_president", "ふれあいの会 会長", "Fureai-no-kai president"),
        CodeEntry("minsei_iin", "民生委員・児童委員", "Minsei-iin (commissioned welfare volunteer)"),
        CodeEntry("shunin_jido_iin", "主任児童委員", "Chief child welfare volunteer"),
        CodeEntry("minsei_kyoryokuin", "民生委員協力員", "Minsei-iin assistant"),
        CodeEntry("chiiki_seikatsu_shienin", "地域生活支援員", "Community life supporter"),
        CodeEntry("senmonin", "専門員", "Specialist (senmonin)"),
        CodeEntry("outreach_worker", "アウトリーチ支援員", "Outreach worker"),
        CodeEntry("coordinator", "生活支援コーディネーター", "Coordinator"),
        CodeEntry("shakyo_staff", "社会福祉協議会 職員", "Social welfare council staff"),
    ]
}

/// 結果 — the outcome of the attempt. 不在 and 面会拒否 still record the visitor's effort.
public struct Outcome: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "outcome"
    public static let safetyConfirmed: Self = "safety_confirmed"
    public static let notAtHome: Self = "not_at_home"
    public static let declined: Self = "declined"
    public static let entries = [
        CodeEntry("safety_confirmed", "安否確認", "Safety confirmed"),
        CodeEntry("not_at_home", "不在", "Not at home"),
        CodeEntry("declined", "面会拒否", "Declined"),
    ]
}

/// 対応内容 — what was done during the visit.
public struct VisitAction: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "action"
    public static let entries = [
        CodeEntry("safety_check", "安否確認", "Safety check"),
        CodeEntry("companionship", "話し相手", "Companionship"),
        CodeEntry("service_info", "福祉サービス等の紹介", "Introducing services"),
        CodeEntry("consultation", "相談対応", "Consultation"),
        CodeEntry("liaison", "関係機関との連絡調整", "Liaison with agencies"),
    ]
}

/// 日常生活自立支援事業のサービス — only on `nichiji_checkin` visits.
public struct NichijiService: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "service"
    public static let entries = [
        CodeEntry("service_use_help", "福祉サービスの利用援助", "Help using welfare services"),
        CodeEntry("money_management", "日常的金銭管理", "Everyday money management"),
        CodeEntry("document_custody", "書類等預かり", "Safekeeping of documents"),
    ]
}

/// 気づき — concerns noticed (multi-select).
public struct Concern: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "concern"
    public static let entries = [
        CodeEntry("isolation", "孤独・孤立", "Loneliness / isolation"),
        CodeEntry("dementia_signs", "認知症の兆候", "Signs of dementia"),
        CodeEntry("physical_decline", "身体的な変化", "Physical decline"),
        CodeEntry("self_neglect", "セルフネグレクト", "Self-neglect"),
        CodeEntry("home_environment", "ごみ屋敷・住環境", "Home environment / hoarding"),
        CodeEntry("animal_hoarding", "多頭飼育", "Animal hoarding"),
        CodeEntry("financial_hardship", "生活困窮", "Financial hardship"),
        CodeEntry("money_management", "金銭管理の困難", "Difficulty managing money"),
        CodeEntry("issue_8050", "8050", "8050 problem"),
        CodeEntry("double_care", "ダブルケア", "Double care"),
        CodeEntry("young_carer", "ヤングケアラー", "Young carer"),
        CodeEntry("hikikomori", "ひきこもり", "Hikikomori (social withdrawal)"),
        CodeEntry("abuse_suspected", "虐待の疑い", "Suspected abuse"),
        CodeEntry("domestic_violence", "DV", "Domestic violence"),
        CodeEntry("service_refusal", "支援拒否", "Refuses support"),
        CodeEntry("no_kin", "身寄りなし", "No relatives"),
        CodeEntry("other", "その他", "Other"),
    ]
}

/// 共有先 — where the visit was shared for follow-up.
public struct SharingVenue: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "shared-at"
    public static let entries = [
        CodeEntry("fureai_hanchokai", "ふれあいの会班長会", "Fureai-no-kai group leaders' meeting"),
        CodeEntry("minjikyo_teireikai", "地区民児協定例会", "District minsei-iin council meeting"),
        CodeEntry("shien_kaigi", "支援会議", "Support meeting"),
        CodeEntry("juso_shien_kaigi", "重層的支援会議", "Multi-layered support meeting"),
    ]
}

/// 相談先・つなぎ先 — referral destination (a configurable list; these are Kurume's and Kumamoto's).
public struct ReferralDestination: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "referral"
    public static let entries = [
        CodeEntry("chiiki_hokatsu", "地域包括支援センター", "Community comprehensive support center"),
        CodeEntry("shogaisha_kikan_soudan", "障害者基幹相談支援センター", "Core disability consultation center"),
        CodeEntry("kodomo_kosodate_support", "こども子育てサポートセンター", "Child and child-rearing support center"),
        CodeEntry("seikatsu_jiritsu", "生活自立支援センター", "Livelihood independence support center"),
        CodeEntry("seinen_kouken", "成年後見センター", "Adult guardianship center"),
        CodeEntry("shakyo", "社会福祉協議会", "Social welfare council"),
        CodeEntry("hoken_center", "保健センター", "Public health center"),
        CodeEntry("seikatsu_hogo_cw", "生活保護ケースワーカー", "Public assistance caseworker"),
        CodeEntry("shien_kaigi", "支援会議・重層的支援会議", "Support meeting"),
        CodeEntry("sasaeria", "高齢者支援センターささえりあ", "Sasaeria elderly support center"),
        CodeEntry("shogaisha_soudan", "障がい者相談支援センター", "Disability consultation center"),
        CodeEntry("hikikomori_center", "ひきこもり支援センター", "Hikikomori support center"),
        CodeEntry("jido_soudanjo", "児童相談所", "Child guidance center"),
        CodeEntry("kodomo_katei_center", "こども家庭センター", "Children and family center"),
    ]
}

/// アウトリーチのプラン — an outreach plan event recorded on an outreach visit.
public struct PlanEvent: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "plan-event"
    public static let created: Self = "created"
    public static let replanned: Self = "replanned"
    public static let closed: Self = "closed"
    public static let entries = [
        CodeEntry("created", "プラン作成", "Plan created"),
        CodeEntry("replanned", "再プラン", "Re-planned"),
        CodeEntry("closed", "終結", "Closed"),
    ]
}

/// 訪問先の区分 — categories of a subject.
public struct SubjectCategory: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "category"
    public static let entries = [
        CodeEntry("solo_elderly", "独居高齢者", "Elderly living alone"),
        CodeEntry("elderly_only_household", "高齢者のみ世帯", "Elderly-only household"),
        CodeEntry("evacuation_roster", "避難行動要支援者名簿登録者", "On the evacuation-support roster"),
        CodeEntry("nichiji_contract", "日常生活自立支援事業 契約者", "Daily-life support contract holder"),
        CodeEntry("hikikomori", "ひきこもり", "Hikikomori"),
        CodeEntry("disability", "障がい", "Disability"),
        CodeEntry("child_rearing", "子育て世帯", "Child-rearing household"),
        CodeEntry("other", "その他", "Other"),
    ]
}

/// 相談・支援の分野 (分野別) — the field a 民生委員's consultation belongs to, as the national activity record
/// (活動記録 → 福祉行政報告例, DOMAIN.md §7) counts it.
public struct ConsultationField: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "consultation-field"
    public static let elderly: Self = "elderly"
    public static let disabled: Self = "disabled"
    public static let children: Self = "children"
    public static let other: Self = "other"
    public static let entries = [
        CodeEntry("elderly", "高齢者に関すること", "Elderly people"),
        CodeEntry("disabled", "障害者に関すること", "People with disabilities"),
        CodeEntry("children", "子どもに関すること", "Children"),
        CodeEntry("other", "その他", "Other"),
    ]
}

/// 相談・支援の内容 (内容別) — the 14 topics of the national activity record (DOMAIN.md §7), multi-select.
public struct ConsultationTopic: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let field = "consultation-topic"
    public static let entries = [
        CodeEntry("home_welfare", "在宅福祉", "Welfare at home"),
        CodeEntry("long_term_care", "介護保険", "Long-term care insurance"),
        CodeEntry("health_medical", "健康・保健医療", "Health and medical care"),
        CodeEntry("child_rearing", "子育て・母子保健", "Child-rearing and maternal health"),
        CodeEntry("child_community", "子どもの地域生活", "Children's life in the community"),
        CodeEntry("child_education", "子どもの教育・学校生活", "Children's education and school life"),
        CodeEntry("living_costs", "生活費", "Living costs"),
        CodeEntry("pension_insurance", "年金・保険", "Pensions and insurance"),
        CodeEntry("work", "仕事", "Work"),
        CodeEntry("family", "家族関係", "Family relationships"),
        CodeEntry("housing", "住居", "Housing"),
        CodeEntry("living_environment", "生活環境", "Living environment"),
        CodeEntry("daily_support", "日常的な支援", "Everyday support"),
        CodeEntry("other", "その他", "Other"),
    ]
}
