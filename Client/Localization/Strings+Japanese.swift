import MimamoriShared

/// 日本語の表: 日本語のロケールで表示するすべての文。
struct JapaneseStrings: Strings {
    /// Dates in 和暦 (令和8年11月24日(火)) when the visitor asks for it (`--wareki`, `MIMAMORI_WAREKI=1`).
    var wareki = false
    var language: Language { .japanese }
    var help: HelpStrings { .japanese }

    func menuTitle(name: String, today: LocalDate) -> String { "見守り訪問の記録　\(name)さん　今日は \(DateText.long(today, .japanese, wareki: wareki))" }
    func menuPending(_ count: Int) -> String {
        count == 0 ? "記録はすべて送信済みです。" : "まだ送っていない記録が \(count) 件あります（「同期する」で送ります）。"
    }
    var menuRecord: String { "訪問を記録する" }
    var menuDue: String { "今日の訪問予定" }
    var menuReview: String { "記録を見る・直す" }
    var menuSync: String { "同期する" }
    var menuStatus: String { "状況" }
    var menuQuit: String { "終わる" }
    var menuRecordActivity: String { "その他の活動・連絡調整を記録する" }
    var menuQuestion: String { "番号を入れてエンターキーを押してください" }
    var goodbye: String { "おつかれさまでした。" }
    var pressEnterForMenu: String { "エンターキーを押すとメニューに戻ります" }
    func notAChoice(_ text: String, count: Int) -> String { "「\(text)」はメニューにありません。1 から \(count) の番号を入れてください。" }

    var guidedIntro: String { "一つずつ質問します。[ ] の中は、そのままエンターキーを押すと選ばれます。" }
    var askSubject: String { "どなたを訪問しましたか。" }
    var subjectPrompt: String { "番号か、お名前の一部" }
    func subjectLineDue(name: String, lastVisit: LocalDate?, daysOverdue: Int?) -> String {
        guard let lastVisit else { return "\(honorific(name))　まだ訪問していません" }
        return "\(honorific(name))　前回 \(DateText.short(lastVisit, .japanese))　予定より \(daysOverdue ?? 0) 日過ぎています"
    }
    func subjectLine(name: String) -> String { honorific(name) }
    func moreSubjects(_ count: Int) -> String { "（ほかに \(count) 人。お名前の一部を入れると探せます）" }
    func subjectNoMatch(_ text: String) -> String {
        "訪問先: 「\(text)」に当てはまる方がいません。一覧の番号か、お名前・ID の一部を入れてください。"
    }
    func subjectManyMatches(_ text: String, count: Int) -> String { "「\(text)」に当てはまる方が \(count) 人います。番号で選んでください。" }
    var noSubjects: String { "訪問先がまだ登録されていません。事務所に登録をお願いするか、mimamori subject add で追加してください。" }
    var askKind: String { "どの訪問ですか。" }
    var askMethod: String { "どのように会いましたか。" }
    var askOutcome: String { "どうでしたか。" }
    var askActions: String { "何をしましたか。" }
    var askConcerns: String { "気づいたことはありますか。" }
    var askUrgent: String { "急いで対応が必要ですか。" }
    var askNote: String { "メモ（なければそのままエンターキー）" }
    var askNoteToChange: String { "メモ（そのままならエンターキー、消すときは 0）" }
    var askSharedAt: String { "どこで共有しますか。" }
    var askReferral: String { "どこかにつなぎましたか。" }
    var askNextDue: String { "次に訪問する日（例: 12-08 または 2026-12-08）" }
    var askConsultationField: String { "相談・支援の分野は（活動記録の分野別）。" }
    var askConsultationTopics: String { "相談・支援の内容は（活動記録の内容別）。" }
    var askDate: String { "訪問した日（例: 11-24 または 2026-11-24）" }
    var chooseOne: String { "番号" }
    var chooseSeveral: String { "番号（いくつでも。例: 1 3）" }
    var none: String { "なし" }
    var yes: String { "はい" }
    var no: String { "いいえ" }
    var yesNoChoices: String { "1 はい　2 いいえ" }
    func badChoice(field: String, _ text: String, count: Int) -> String {
        "\(field): 「\(text)」は選べません。1 から \(count) の番号を入れてください。"
    }
    func badChoices(field: String, _ text: String, count: Int) -> String {
        "\(field): 「\(text)」は選べません。1 から \(count) の番号を空白で区切って入れてください（例: 1 3）。ないときは 0 です。"
    }
    func badYesNo(field: String, _ text: String) -> String { "\(field): 「\(text)」は選べません。1（はい）か 2（いいえ）を入れてください。" }
    func badDate(field: String, _ text: String) -> String {
        "\(field): 「\(text)」は日付として読めません。月-日（例: 12-08）か 年-月-日（例: 2026-12-08）で入れてください。"
    }
    func dateOutOfRange(field: String, _ date: LocalDate, from: LocalDate, to: LocalDate) -> String {
        "\(field): \(DateText.long(date, .japanese, wareki: wareki)) は選べません。\(DateText.long(from, .japanese, wareki: wareki)) から \(DateText.long(to, .japanese, wareki: wareki)) までの日付を入れてください。"
    }
    func noteTooLong(max: Int) -> String { "メモ: 長すぎます。\(max) 文字までにしてください。" }

    var summaryTitle: String { "この内容でよいか確かめてください。" }
    var fieldSubject: String { "訪問先" }
    var fieldDate: String { "訪問日" }
    var fieldKind: String { "種類" }
    var fieldMethod: String { "方法" }
    var fieldOutcome: String { "結果" }
    var fieldActions: String { "したこと" }
    var fieldConcerns: String { "気づき" }
    var fieldUrgent: String { "緊急性" }
    var fieldNote: String { "メモ" }
    var fieldSharedAt: String { "共有先" }
    var fieldReferral: String { "つなぎ先" }
    var fieldNextDue: String { "次回訪問日" }
    var fieldConsultationField: String { "相談・支援の分野" }
    var fieldConsultationTopics: String { "相談・支援の内容" }
    var confirmSave: String { "保存しますか。エンターキーで保存、直すときは項目の番号、やめるときは 0" }
    var confirmEdit: String { "直した内容を保存しますか。エンターキーで保存、直すときは項目の番号、やめるときは 0" }
    func badConfirm(_ text: String, count: Int) -> String {
        "「\(text)」は選べません。保存はそのままエンターキー、直すときは 1 から \(count) の番号、やめるときは 0 です。"
    }
    func saved(_ description: String) -> String { "記録しました: \(description)" }
    func edited(_ description: String) -> String { "直しました: \(description)" }
    func pendingAfterSave(_ count: Int) -> String { "まだ送っていない記録が \(count) 件あります。同期するときに送ります。" }
    var notSaved: String { "記録しませんでした（何も保存していません）。" }
    var interrupted: String { "中止しました。何も保存していません。" }
    func visitDescription(subjectName: String, date: LocalDate, kind: String, outcome: String) -> String {
        "\(honorific(subjectName)) \(DateText.short(date, .japanese)) \(kind)・\(outcome)"
    }
    /// さん after a name; not after the placeholder shown while names are locked.
    func honorific(_ name: String) -> String { name == nameLocked ? name : name + "さん" }

    var askActivityCategory: String { "どの活動ですか" }
    var askActivityDate: String { "活動した日（例: 11-24 または 2026-11-24）" }
    var askActivityCount: String { "件数（\(Limits.activityCount.lowerBound)〜\(Limits.activityCount.upperBound)。証明書 3 通なら 3）" }
    var askActivityDistrict: String { "活動した校区" }
    var fieldActivityCategory: String { "活動の区分" }
    var fieldActivityDate: String { "活動日" }
    var fieldActivityCount: String { "件数" }
    var fieldActivityDistrict: String { "活動した校区" }
    func activityCount(_ count: Int) -> String { "\(count) 件" }
    func activityDescription(category: String, date: LocalDate, count: Int) -> String {
        "\(DateText.short(date, .japanese)) \(category) \(activityCount(count))"
    }
    func badActivityCount(_ text: String) -> String {
        "\(fieldActivityCount): 「\(text)」は使えません。\(Limits.activityCount.lowerBound) から \(Limits.activityCount.upperBound) の整数を入れてください。"
    }
    func badActivityDistrict(_ text: String) -> String {
        "\(fieldActivityDistrict): 「\(text)」は使えません。\(Limits.idText.characters) 文字までの校区名を入れてください。"
    }

    var reviewTitle: String { "最近の記録（新しい順）:" }
    var reviewPrompt: String { "どの記録ですか。" }
    var noOwnVisits: String { "まだ記録がありません。" }

    var nobodyDue: String { "訪問予定を過ぎた訪問先はありません" }
    func dueLine(name: String, lastVisit: LocalDate?, daysOverdue: Int?) -> String {
        subjectLineDue(name: name, lastVisit: lastVisit, daysOverdue: daysOverdue)
    }
    func syncProgressPushed(_ done: Int, _ total: Int) -> String { "送信 \(done)/\(total)" }
    func syncProgressPulled(_ documents: Int) -> String { "受信 \(documents) 件" }
    var syncEpochChanged: String { "サーバーが復元されたか変わりました。この端末の記録をすべて送り直し、最初から受け取ります" }
    func synced(_ s: SyncSummary) -> String {
        "同期しました：送信 \(s.pushed) 件・受信 \(s.pulled) 件・新しい競合 \(s.newConflicts) 件・受け付けられなかった変更 \(s.rejected) 件"
    }
    func syncDeferred(_ count: Int) -> String { "\(count) 件は他の端末の同期を待っています。後でもう一度同期してください" }
    var syncRejectedHint: String { "受け付けられなかった変更は mimamori status で確認できます" }
    var syncing: String { "事務所と同期しています…" }
    var syncInterrupted: String { "同期を中止しました。もう一度「同期する」を選べば、続きから進みます。" }
    var erasedContent: String { "（削除済み：内容は消去されています）" }

    var askPassphrase: String { "パスフレーズ（入力した文字は表示されません）: " }
    var askNewPassphrase: String { "新しいパスフレーズ（8文字以上。入力した文字は表示されません）: " }
    var askPassphraseAgain: String { "確認のため、もう一度: " }
    var passphrasesDiffer: String { "2回の入力が違っていました。もう一度決めてください。" }
    var wrongPassphraseTryAgain: String { "パスフレーズが違います。もう一度入力してください。" }
    var initPassphraseIntro: String {
        "パスフレーズを決めてください。パソコンをなくしても、訪問先の名前やメモを他の人が読めないようにするためのものです。ログインするたびに一度入力します。忘れたときは、同期済みの記録は取り戻せますが（mimamori init --forgot-passphrase）、まだ送っていない記録は失われます。"
    }
    var upgradeIntro: String {
        "このパソコンの記録は、まだパスフレーズで守られていません。いまパスフレーズを決めてください。記録はすべてそのまま残り、パスフレーズで封をします。"
    }
    func upgraded(versions: Int) -> String { "\(versions) 件の記録をパスフレーズで保護しました。失われた記録はありません。" }
    func keyKept(_ place: KeyCache.Place) -> String? {
        switch place {
        case .runtimeDirectory: return nil
        case .sharedMemory:
            return "注意: XDG_RUNTIME_DIR が設定されていないため、解錠した鍵は /dev/shm に置きます。ログアウトでは消えず、再起動か mimamori lock で消えます。"
        case .none:
            return "注意: 鍵をメモリー上に置く場所がないため（XDG_RUNTIME_DIR が未設定）、コマンドのたびにパスフレーズを尋ねます。"
        }
    }
    var lockedNow: String { "鍵をかけました。名前やメモを見るには、またパスフレーズが必要です。" }
    var wasNotUnlocked: String { "すでに鍵がかかっています（このデータベースの鍵は保存されていませんでした）。" }
    var notEncryptedYet: String { "このデータベースはまだパスフレーズで守られていません。次のコマンドでパスフレーズを決めます。" }
    var passphraseFromEnvironment: String { "MIMAMORI_PASSPHRASE が設定されているため、解除するまでどのコマンドもそれで解錠します。" }
    var nameLocked: String { "（お名前は鍵がかかっています）" }
    func forgottenLoses(_ unsent: Int) -> String {
        unsent == 0
            ? "このパソコンの記録はすべて送信済みです。新しいデータベースを作って mimamori sync すれば、同期済みの記録はすべて戻ります。"
            : "このパソコンで記録して、まだ送っていない \(unsent) 件は失われます。同期済みの記録は mimamori sync で戻ります。"
    }
    var forgottenConfirm: String { "新しいデータベースを作り、その記録を失ってよいですか。よければ yes と入力してください" }
    func setAside(_ path: String) -> String { "前のデータベース（封をしたまま）は \(path) に移しました。" }

    func error(_ error: ClientError) -> String {
        switch error {
        case let .notInitialized(path):
            return "記録用のデータベースがありません（\(path)）。先に mimamori init --visitor-id ID --name 名前 --role 役割 を実行してください（または --data-dir でフォルダを指定してください）。"
        case let .dataDirectoryNotWritable(path, reason):
            return "保存用フォルダ \(path) が使えません（\(reason)）。書き込めるフォルダを --data-dir か MIMAMORI_HOME で指定してください。"
        case let .databaseUnusable(path, reason):
            return "データベース \(path) が読めません（\(reason)）。壊れているか、見守りのデータベースではありません。何も変えていません。"
        case let .databaseLocked(path):
            return "データベース \(path) はほかのプログラムが使用中です（別の mimamori が動いていませんか）。少し待ってからもう一度どうぞ。何も変えていません。"
        case let .unknownSubject(id):
            return "訪問先: 「\(id)」は登録されていません。登録済みの訪問先の ID を指定してください（mimamori subject list で確認できます）。"
        case let .unknownVisit(id):
            return "訪問記録: 「\(id)」はありません。ある訪問記録の ID を指定してください（mimamori visit list で確認できます）。"
        case let .unknownActivity(id):
            return "活動記録: 「\(id)」はありません。ある活動記録の ID を指定してください（mimamori activity list で確認できます）。"
        case let .unknownDocument(id):
            return "ID: 「\(id)」はこの端末の訪問記録にも訪問先にも活動記録にもありません。mimamori conflicts list の ID を指定してください。"
        case let .documentDeleted(id):
            return "「\(id)」は削除されています。削除されていない訪問記録・訪問先・活動記録の ID を指定してください。"
        case let .notInConflict(id):
            return "「\(id)」は競合していません。解決することはありません（mimamori conflicts list）。"
        case let .noSuchSibling(id, keep, count):
            return "--keep: \(id) に「\(keep)」は使えません。1 から \(count) の版の番号を指定してください（mimamori conflicts show \(id)）。"
        case .notLoggedIn:
            return "同期するサーバーが登録されていません。先に mimamori login --server URL --token トークン を実行してください。"
        case let .invalidServerURL(text):
            return "--server: 「\(text)」は使えません。http:// か https:// で始まる URL を指定してください（例: https://office.example.jp:8080）。"
        case let .server(status, code, message):
            return "サーバーが受け付けませんでした（HTTP \(status)、\(code)）: \(message)"
        case let .batchIdReused(batchId, message):
            return "サーバーには同じ送信番号（\(batchId)）で別の内容が届いているため、今回の送信は保存されませんでした（\(message)）。これは mimamori の不具合です。このメッセージを添えて事務所に知らせてください。変更はこの端末に残っていて、次の同期で新しい送信番号で送られます。"
        case let .network(reason):
            return "サーバーにつながりません（\(reason)）。記録はこの端末に残っています。後でもう一度同期してください。"
        case let .badServerReply(reason):
            return "サーバーの返事が読めませんでした: \(reason)"
        case let .replyTooLarge(limit):
            return "サーバーの返事が \(limit / (1024 * 1024)) MB を超えていて、同期のページとしては大きすぎるため読みませんでした。何も変わっていません。繰り返すときは事務所に知らせてください。"
        case let .badProxy(variable):
            return "環境変数 \(variable) のプロキシは使えません。http://ホスト名:ポート番号 の形で指定してください（例: http://proxy.example.jp:8080。認証が要るときはホスト名の前に ユーザー名:パスワード@）。何も送っていません。"
        case .locked:
            return "名前やメモには鍵がかかっています。端末で mimamori を実行してパスフレーズを入力するか、スクリプトでは環境変数 MIMAMORI_PASSPHRASE を設定してください。"
        case .wrongPassphrase:
            return "パスフレーズが違います。何も変えていません。忘れたときは mimamori init --forgot-passphrase で作り直し、mimamori sync で同期済みの記録を戻せます。"
        case .passphraseNeeded:
            return "パスフレーズが必要です。端末で実行して入力するか、環境変数 MIMAMORI_PASSPHRASE を設定してください。何も変えていません。"
        case let .passphraseTooShort(minimum):
            return "パスフレーズは \(minimum) 文字以上にしてください。"
        case .sealedDataDamaged:
            return "封をしたデータが開けません（壊れているか、別の鍵のものです）。何も変えていません。"
        case .alreadyEncrypted:
            return "このデータベースはすでにパスフレーズで守られています。"
        case let .unsentChangesWouldBeLost(count):
            return "まだ送っていない \(count) 件が失われるため、作り直しませんでした。端末で mimamori init --forgot-passphrase を実行し、確認に答えてください。"
        }
    }

    func validationFailure(_ problems: [ValidationProblem], of document: DocumentType?) -> String {
        (document == .activity ? "活動記録を保存しませんでした:\n" : "保存しませんでした:\n")
            + problems.map { "  ・" + JapaneseStrings.problem($0, of: document) }.joined(separator: "\n")
    }

    /// One problem, naming the field in Japanese (as the record `document` calls it) and what is accepted.
    static func problem(_ p: ValidationProblem, of document: DocumentType? = nil) -> String {
        let value = p.value.isEmpty ? "（空）" : "「\(p.value)」"
        let own = document == .activity ? activityFieldNames : [:]
        let field = own[p.field] ?? fieldNames[p.field] ?? p.field
        let accepted: String
        if p.accepted.hasPrefix("one of ") {
            accepted = "次のどれか: " + (codeLists[p.field] ?? String(p.accepted.dropFirst("one of ".count)))
        } else if document == .activity, p.field == "district", p.value.isEmpty {
            accepted = "--district で指定する校区名（mimamori init で校区を登録していないため）"
        } else if p.field == "note", p.accepted.contains("control characters") {
            accepted = "改行とタブのほかに制御文字を含まない文"
        } else {
            accepted = acceptedByField[p.field] ?? "正しい値"
        }
        return "\(field)（\(p.field)）: \(value) は使えません。使えるもの: \(accepted)"
    }

    static let fieldNames = [
        "subject": "訪問先", "kind": "種類", "date": "訪問日", "time": "時刻", "method": "方法", "outcome": "結果",
        "action": "したこと", "service": "サービス", "concern": "気づき", "shared-at": "共有先", "referral": "つなぎ先",
        "next-due": "次回訪問日", "duration-min": "かかった時間", "plan-event": "プラン", "consultation-field": "相談・支援の分野",
        "consultation-topic": "相談・支援の内容", "assists": "協力した民生委員",
        "note": "メモ", "name": "お名前", "district": "校区", "id": "ID", "visitor-id": "訪問者 ID", "organization": "所属",
        "category": "区分", "cadence-days": "訪問の間隔", "consent-date": "同意を得た日", "role": "役割",
        "activity-category": "活動の区分", "count": "件数",
    ]

    /// An activity's own names where they differ from a visit's: its date is 活動日, not 訪問日.
    static let activityFieldNames = [
        "date": "活動日", "district": "活動した校区", "id": "活動記録の ID", "visitor-id": "記録した委員の ID",
        "role": "記録した委員の役割",
    ]

    /// The accepted ids of a code-list field, each with its Japanese label.
    static let codeLists = [
        VisitKind.field: codesDescription(VisitKind.self, .japanese),
        ContactMethod.field: codesDescription(ContactMethod.self, .japanese),
        Outcome.field: codesDescription(Outcome.self, .japanese),
        VisitAction.field: codesDescription(VisitAction.self, .japanese),
        NichijiService.field: codesDescription(NichijiService.self, .japanese),
        Concern.field: codesDescription(Concern.self, .japanese),
        SharingVenue.field: codesDescription(SharingVenue.self, .japanese),
        ReferralDestination.field: codesDescription(ReferralDestination.self, .japanese),
        PlanEvent.field: codesDescription(PlanEvent.self, .japanese),
        ConsultationField.field: codesDescription(ConsultationField.self, .japanese),
        ConsultationTopic.field: codesDescription(ConsultationTopic.self, .japanese),
        SubjectCategory.field: codesDescription(SubjectCategory.self, .japanese),
        VisitorRole.field: codesDescription(VisitorRole.self, .japanese),
        ActivityCategory.field: codesDescription(ActivityCategory.self, .japanese),
    ]

    static let acceptedByField = [
        "date": "2000年1月1日から今日までの日付",
        "next-due": "訪問日と同じか後の日付",
        "duration-min": "1〜1440 分",
        "note": "\(maxNoteLength) 文字までの文",
        "name": "\(maxNameLength) 文字までの、空白だけではない文字",
        "organization": "\(maxNameLength) 文字までの、空白だけではない文字",
        "district": "64 文字までの、空白だけではない文字",
        "visitor-id": "64 文字までの、空白だけではない文字",
        "id": "英数字・ハイフン・下線の 1〜64 文字",
        "subject": "登録済みの訪問先の ID",
        "assists": "民生委員の ID（民生委員協力員の訪問のとき）",
        "service": "日常生活自立支援事業の訪問のときだけ、各サービス一度まで",
        "plan-event": "アウトリーチの訪問のときだけ",
        "cadence-days": "1〜366 日",
        "consent-date": "同意ありのときだけ、今日までの日付",
        "count": "\(Limits.activityCount.lowerBound)〜\(Limits.activityCount.upperBound) の整数",
    ]

    func badDateOption(_ option: String, _ text: String) -> String {
        "--\(option): 「\(text)」は日付として読めません。YYYY-MM-DD の形で指定してください（例: 2025-04-01）。"
    }
    func badTimeOption(_ option: String, _ text: String) -> String {
        "--\(option): 「\(text)」は時刻として読めません。HH:MM（24時間制）で指定してください（例: 14:30）。"
    }
    func badMonthOption(_ text: String) -> String { "--month: 「\(text)」は月として読めません。YYYY-MM で指定してください（例: 2025-06）。" }
    func badClear(_ text: String, accepted: String) -> String {
        "--clear: 「\(text)」は消せる項目ではありません。次のどれかを指定してください: \(accepted)"
    }
    func clearAndGiven(_ field: String) -> String { "--clear \(field) と --\(field) を同時には指定できません。どちらか一つにしてください。" }
    func badCodeOption(field: String, _ text: String, accepted: String) -> String {
        "--\(field): 「\(text)」は使えません。次のどれかを指定してください: \(accepted)"
    }
    var serverAndTokenTogether: String { "--server と --token は両方指定するか、両方省いてください。" }
    func missingOption(_ option: String, example: String) -> String { "\(option) を指定してください（例: \(example)）。" }
    var oneRangeOnly: String { "--month、--fy、--from/--to のどれか一つだけを指定してください。" }
    func badFiscalYear(_ value: Int) -> String { "--fy: 「\(value)」は使えません。\(FiscalYear.supportedYears.lowerBound) から \(FiscalYear.supportedYears.upperBound) の年を指定してください（例: 2025）。" }
    func badKeep(_ value: Int) -> String { "--keep: 「\(value)」は使えません。mimamori conflicts show の版の番号（1 から）を指定してください。" }
    func missingForLog(subject: Bool, kind: Bool) -> String {
        let missing = [subject ? "--subject（訪問先の ID。mimamori subject list で確認できます）" : nil,
                       kind ? "--kind（次のどれか: \(codesDescription(VisitKind.self, .japanese))）" : nil]
        return missing.compactMap { $0 }.joined(separator: " と ") + " を指定してください。"
    }
    var idOrLast: String { "訪問記録の ID か --last のどちらか一つを指定してください。" }

    var reviewUnchanged: String { "直すときは項目の番号、そのままエンターキーでメニューに戻ります" }
    var saveDefault: String { "保存する" }
    var backDefault: String { "戻る" }
    var urgentYes: String { "あり" }
    var urgentNo: String { "なし" }
    func subjectWithId(name: String, id: String) -> String { "\(honorific(name))（\(id)）" }
    var listSeparator: String { "・" }
    var chooseOneOrNone: String { "番号（ないときは 0）" }
    /// `2025-06` as 2025年6月, or 令和7年6月 in 和暦.
    func monthText(_ key: String) -> String {
        let parts = key.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return key }
        guard wareki, let first = LocalDate(year: parts[0], month: parts[1], day: 1) else { return "\(parts[0])年\(parts[1])月" }
        return String(Wareki.dateLabel(first).prefix { $0 != "月" }) + "月"
    }
    func statusLines(_ s: StatusReport) -> [String] {
        var lines = [
            "訪問者: \(s.name)さん（\(VisitorRole(rawValue: s.role).label(.japanese))、訪問者 ID \(s.visitorId)）",
            "記録した訪問: \(s.visits) 件　訪問先: \(s.subjects) 人" + (s.showsActivities ? "　その他の活動・連絡調整: \(s.activities) 件" : ""),
            "今月（\(monthText(s.month))）に記録した訪問: \(s.visitsThisMonth) 件"
                + (s.showsActivities ? "　その他の活動・連絡調整: \(s.activitiesThisMonth) 件" : ""),
            "まだ送っていない変更: \(s.pendingChanges) 件"
                + (s.showsActivities ? "（訪問 \(s.pendingVisits) 件・その他の活動・連絡調整 \(s.pendingActivities) 件を含む）" : ""),
            "競合: \(s.conflicts) 件\(s.conflicts > 0 ? "（mimamori conflicts list で確認できます）" : "")",
        ]
        if !s.rejected.isEmpty {
            lines.append("サーバーが受け付けなかった変更: \(s.rejected.count) 件")
            for r in s.rejected { lines.append("  \(r.documentId) \(r.dot): \(r.code) — \(r.message)") }
        }
        lines.append("サーバー: \(s.server ?? "未設定（mimamori login で設定します）")")
        if let at = s.lastSyncAt, let last = s.lastSync {
            lines.append("最後の同期: \(at)（送信 \(last.pushed) 件・受信 \(last.pulled) 件・新しい競合 \(last.newConflicts) 件・受け付けられなかった変更 \(last.rejected) 件）")
        } else {
            lines.append("最後の同期: まだありません")
        }
        lines.append("端末 ID: \(s.replicaId)")
        lines.append("データ: \(s.dataFile)")
        return lines
    }
    func label(_ label: TextLabel) -> String {
        switch label {
        case .visitId: return "訪問ID"
        case .date: return "日付"
        case .kind: return "種類"
        case .method: return "方法"
        case .outcome: return "結果"
        case .subject: return "訪問先"
        case .visitor: return "訪問者"
        case .concerns: return "気づき"
        case .urgentLine: return "緊急性あり"
        case .urgentBadge: return "緊急"
        case .conflictBadge: return "［競合］"
        case .inactiveBadge: return "（無効）"
        case .actions: return "対応"
        case .services: return "サービス"
        case .sharedAt: return "共有先"
        case .referral: return "つなぎ先"
        case .nextDue: return "次回予定"
        case .duration: return "所要時間"
        case .minutes: return "分"
        case .plan: return "プラン"
        case .note: return "メモ"
        case .subjectId: return "訪問先ID"
        case .name: return "氏名"
        case .district: return "校区"
        case .state: return "状態"
        case .active: return "有効"
        case .inactive: return "無効"
        case .categories: return "区分"
        case .cadence: return "訪問間隔"
        case .days: return "日"
        case .consent: return "外部提供同意"
        case .given: return "あり"
        case .notGiven: return "なし"
        case .by: return "作成者"
        case .at: return "日時"
        case .deletedSuffix: return "（削除）"
        case .deletedWord: return "削除"
        case .deletedLine: return "（削除済み）"
        case .differsIn: return "異なる項目: "
        case .history: return "履歴:"
        case .byMonth: return "月別（全件 / 公式 / 広義）:"
        case .byKind: return "種類別:"
        case .serverTotals: return "サーバー集計"
        case .deviceTotals: return "この端末の集計"
        case .asOf: return "基準日"
        case .activityReport: return "民生委員・児童委員 活動記録"
        case .reportVisits: return "訪問回数"
        case .activityDays: return "活動日数"
        case .liaisons: return "連絡調整回数"
        case .consultations: return "相談・支援件数"
        case .byField: return "分野別"
        case .byTopic: return "内容別"
        case .csvSection: return "区分"
        case .csvItem: return "項目"
        case .csvCount: return "件数"
        case .otherActivities: return "その他の活動件数"
        case .byCategory: return "区分別"
        case .activityId: return "活動ID"
        case .activityCategory: return "活動の区分"
        case .activityCount: return "件数"
        }
    }
    func inConflictHeader(count: Int, id: String) -> String { "競合しています：\(count) 版 — `mimamori conflicts resolve \(id) --keep N` で解決" }
    func initialized(replicaId: String) -> String { "初期化しました。レプリカID: \(replicaId)" }
    func alreadyInitialized(replicaId: String, visitorId: String) -> String { "すでに初期化されています（レプリカID: \(replicaId)）。データはそのままです。" }
    func dataFile(_ path: String) -> String { "データ: \(path)" }
    func serverSet(_ url: String) -> String { "サーバーを設定しました: \(url)" }
    func indicatorTarget(annual: Int, prorated: Int, percent: String) -> String { "（年間目標 \(annual)、経過月数按分 \(prorated)、達成率 \(percent)）" }
    func sameLastYear(_ count: Int) -> String { " 前年同期 \(count)" }
    func outreachPlans(created: Int, replans: Int, target: Int, closed: Int) -> String {
        "アウトリーチ：プラン作成 \(created)件（うち再プラン \(replans)件）／年間目標 \(target)件、終結 \(closed)件"
    }
    func outreachPlansLocked(target: Int) -> String {
        "アウトリーチ：プランの件数は、一度パスフレーズを入力すると数えられます（年間目標 \(target)件）"
    }
    func nichijiCheckins(_ checkins: Int, holders: Int) -> String { "日常生活自立支援事業：定期訪問 \(checkins)件、契約者 \(holders)人" }
    var errorPrefix: String { "エラー: " }
    var jsonOrCSV: String { "--json と --csv は、どちらか一つだけ指定してください。" }
}
