import MimamoriShared

extension HelpStrings {
    /// 日本語の説明（.japanese・LC_ALL・LC_MESSAGES が ja_* のとき）。
    static let japanese = HelpStrings(
        root: CommandText(
            "見守り訪問を端末に記録し、地区の事務所と同期します。",
            """
            端末で mimamori とだけ入力すると、番号で選ぶメニューが開き、訪問の記録を一つずつ質問しながら進めます。
            例:
              mimamori init --visitor-id V-001 --name 山田花子 --role fureai_member --district nishi
              mimamori subject add --id S-0001 --name 佐藤一郎 --district nishi --cadence-days 14
              mimamori visit log --subject S-0001 --kind fureai_watch
            """),
        dataDir: "記録を保存するフォルダ（省略時: 環境変数 MIMAMORI_HOME、なければ利用者ごとの保存場所）。",
        wareki: "日付を和暦で表示します（例: 令和8年11月24日(火)）。環境変数 MIMAMORI_WAREKI=1 でも同じです。",
        json: "文章の代わりに JSON で出力します（形は docs/cli-json.md）。",
        id: "訪問記録または訪問先の ID。",
        visitId: "訪問記録の ID。",
        subjectId: "訪問先の ID。",
        initCommand: CommandText(
            "この端末の記録用データベースと、端末ごとの ID を作ります（もう一度実行してもデータは消えません）。",
            "例: mimamori init --visitor-id V-001 --name 山田花子 --role fureai_member --organization 西校区ふれあいの会 --district nishi"),
        visitorId: "事務所に登録されている訪問者 ID（例: V-001）。",
        name: "お名前（例: 山田花子）。",
        role: "役割:",
        organization: "所属（例: 西校区ふれあいの会）。",
        district: "担当の校区（例: nishi）。",
        assists: "民生委員協力員の方: 協力している民生委員の ID。",
        server: "同期するサーバーの URL（mimamori login と同じ。例: https://office.example.jp:8080）。",
        token: "事務所が発行したトークン（--server と一緒に指定）。",
        login: CommandText("同期するサーバーと、事務所が発行したトークンを登録します。",
                           "例: mimamori login --server http://127.0.0.1:8080 --token mmr_…"),
        loginServer: "サーバーの URL（例: https://office.example.jp:8080）。",
        loginToken: "mimamori-server token issue で発行されたトークン。",
        subject: CommandText("訪問先の追加・一覧・表示・変更・訪問終了をします。", "例: mimamori subject list"),
        subjectAdd: CommandText("訪問先を追加します。",
                                "例: mimamori subject add --id S-0001 --name 佐藤一郎 --district nishi --category solo_elderly --cadence-days 14"),
        subjectList: CommandText("訪問中の訪問先を一覧にします。", "例: mimamori subject list --all --json"),
        subjectShow: CommandText("訪問先の内容と変更の履歴を表示します。", "例: mimamori subject show S-0001"),
        subjectEdit: CommandText("訪問先の項目を変えます（指定しない項目はそのまま）。", "例: mimamori subject edit S-0001 --cadence-days 7"),
        subjectDeactivate: CommandText("訪問先を訪問終了にします（記録は残り、訪問予定には出なくなります）。",
                                       "例: mimamori subject deactivate S-0001"),
        subjectNewId: "訪問先の ID（例: S-0001。英数字・ハイフン・下線で 1〜64 文字）。",
        subjectName: "お名前（要配慮個人情報。例: 佐藤一郎）。",
        category: "区分（くり返し指定できます）:",
        cadenceDays: "訪問の間隔（日数、1〜366。例: 30）。",
        consent: "外部提供同意あり。",
        consentDate: "同意を得た日（YYYY-MM-DD）。",
        note: "メモ（要配慮個人情報）。",
        includeInactive: "訪問終了の訪問先も含めます。",
        visit: CommandText("訪問記録の記録・修正・削除・一覧・表示をします。",
                           "例: mimamori visit log --subject S-0001 --kind fureai_watch --concern isolation"),
        visitLog: CommandText(
            "訪問を記録します。端末で --subject か --kind を省くと、一つずつ質問しながら記録します。",
            """
            省略時: 今日（日本時間）、訪問、安否確認、mimamori init で登録した役割と所属、訪問先の校区。
            例: mimamori visit log --subject S-0001 --kind fureai_watch --outcome not_at_home --note "ポストに手紙"
            """),
        visitEdit: CommandText(
            "訪問記録の項目を直します（指定しない項目はそのまま）。競合している記録では、これで競合が解決します。",
            """
            --last は最後に記録した訪問を直します。端末でほかの指定がなければ、直す項目を番号で選べます。
            例: mimamori visit edit 0193a5c2-… --outcome declined --concern service_refusal
            例: mimamori visit edit --last
            例: mimamori visit edit 0193a5c2-… --clear note --clear next-due
            """),
        visitDelete: CommandText("訪問記録を削除します（削除したことも同期されます）。", "例: mimamori visit delete 0193a5c2-…"),
        visitList: CommandText("訪問記録を古い順に一覧にします。", "例: mimamori visit list --month 2025-06 --kind fureai_watch"),
        visitShow: CommandText("訪問記録と変更の履歴（だれがいつ書いたか）を表示します。", "例: mimamori visit show 0193a5c2-… --json"),
        last: "ID の代わりに、最後に記録した訪問を指定します。",
        clear: "項目を消します（くり返し指定できます）: " + clearableDescription(ClearableVisitField.self, .japanese) + "。",
        clearNote: "メモを消します: note（メモ）。",
        visitSubject: "訪問先の ID（例: S-0001）。",
        kind: "訪問の種類:",
        date: "訪問日（YYYY-MM-DD。記録するときの省略時は今日、日本時間）。",
        time: "時刻（HH:MM。例: 14:30）。",
        method: "方法（省略時は home_visit）:",
        outcome: "結果（省略時は safety_confirmed）:",
        action: "したこと（くり返し指定できます）:",
        service: "日常生活自立支援事業のサービス（くり返し指定できます）:",
        concern: "気づき（くり返し指定できます）:",
        urgent: "緊急性あり。",
        sharedAt: "共有先（くり返し指定できます）:",
        referral: "つなぎ先:",
        nextDue: "次回の訪問予定日（YYYY-MM-DD）。",
        durationMin: "かかった時間（分、1〜1440）。",
        planEvent: "アウトリーチのプラン:",
        consultationField: "民生委員の活動記録: 相談・支援の分野:",
        consultationTopic: "民生委員の活動記録: 相談・支援の内容（くり返し指定できます。連絡調整は --action liaison）:",
        visitAssists: "民生委員協力員の訪問: 協力した民生委員の ID（省略時は mimamori init の登録どおり）。",
        month: "この月だけ（YYYY-MM）。",
        fy: "この年度だけ（4月始まり。例: 2025）。",
        from: "この日から（YYYY-MM-DD、その日を含む）。",
        to: "この日まで（YYYY-MM-DD、その日を含む）。",
        onlySubject: "この訪問先への訪問だけ。",
        onlyKind: "この種類だけ。",
        includeDeleted: "削除した訪問記録も含めます。",
        activity: CommandText("訪問以外の民生委員の活動（調査、会議、証明事務、関係機関との連絡調整など）を記録・修正・削除・一覧にします。",
                              "例: mimamori activity log --category certification --count 3"),
        activityLog: CommandText(
            "活動を記録します。",
            """
            省略時: 今日（日本時間）、mimamori init で登録した校区、件数 1。
            例: mimamori activity log --category event_participation --date 2026-11-20 --note "地区民児協の定例会"
            """),
        activityEdit: CommandText("活動記録の項目を変えます（指定しない項目はそのまま）。", "例: mimamori activity edit 0193a5c2-… --count 2"),
        activityDelete: CommandText("活動記録を削除します（内容は消え、削除も同期されます）。", "例: mimamori activity delete 0193a5c2-…"),
        activityList: CommandText("活動記録を古い順に一覧にします。", "例: mimamori activity list --month 2026-11 --json"),
        activityShow: CommandText("活動記録の内容と変更の履歴を表示します。", "例: mimamori activity show 0193a5c2-…"),
        activityId: "活動記録の ID（mimamori activity list で確認できます）。",
        activityCategory: "活動の区分:",
        activityDate: "活動した日（YYYY-MM-DD、日本時間。省略時: 今日）。",
        activityDistrict: "活動した校区（省略時: mimamori init で登録した校区）。",
        activityCount: "その日のその活動の件数（\(Limits.activityCount.lowerBound)〜\(Limits.activityCount.upperBound) の整数。省略時: 1）。",
        onlyCategory: "この区分の活動だけ。",
        due: CommandText("訪問の間隔を過ぎた訪問先を、過ぎた日数の多い順に表示します（未訪問の方が先頭）。", "例: mimamori due --json"),
        totals: CommandText("訪問件数、見守り訪問活動件数、アウトリーチのプランと日常生活自立支援事業を、この端末またはサーバーから表示します。",
                            "例: mimamori totals --fy 2025 --server"),
        totalsFY: "年度（4月始まり。例: 2025。省略時は今年度）。",
        totalsServer: "事務所のサーバーの集計（目標と達成率つき）を表示します。",
        status: CommandText("端末の ID、未送信の変更、受け付けられなかった変更、競合、最後の同期、サーバーを表示します。", "例: mimamori status"),
        sync: CommandText("記録をサーバーへ送り、ほかの方の記録を受け取ります。途中で止めても、もう一度実行すれば大丈夫です。",
                          "例: mimamori sync"),
        conflicts: CommandText("同じ記録への食い違う変更（競合）を一覧・表示・解決します。", "例: mimamori conflicts list"),
        conflictsList: CommandText("競合している記録を一覧にします。", "例: mimamori conflicts list --json"),
        conflictsShow: CommandText("競合している版を番号つきで並べ、書いた人と日時を表示します。", "例: mimamori conflicts show 0193a5c2-…"),
        conflictsResolve: CommandText(
            "mimamori conflicts show で表示した番号 N の版を残します。ほかの版は同期のあと、どの端末でも置き換わります。",
            "例: mimamori conflicts resolve 0193a5c2-… --keep 2（mimamori visit edit ID … で直しても解決します）"),
        keep: "残す版の番号（mimamori conflicts show の番号）。",
        report: CommandText("民生委員・児童委員の活動記録など、報告用の集計を表示します。", "例: mimamori report monthly --month 2026-11"),
        reportMonthly: CommandText(
            "ご自分の訪問と活動から、民生委員の月の活動記録を表示します。",
            """
            訪問回数・活動日数（訪問か活動のあった日）・連絡調整回数・相談・支援件数（分野別・内容別）・
            その他の活動件数（区分別）を、全国の様式の順に数えます。連絡調整は訪問の「したこと」の liaison か
            区分 liaison の活動、分野と内容は mimamori visit log の --consultation-field と --consultation-topic、
            その他の活動は mimamori activity log で記録します。鍵をかけたままでも数えられます。
            例: mimamori report monthly --month 2026-11 --csv > 11月.csv
            """),
        reportMonth: "集計する月（YYYY-MM。例: 2026-11）。",
        reportJSON: "文章の代わりに JSON で出力します。",
        reportCSV: "Excel で開ける CSV（UTF-8・BOM つき）で出力します。",
        lock: CommandText("解錠した鍵を消します。名前やメモを見るには、またパスフレーズが必要です（訪問予定・件数・状況は見られます）。",
                          "例: mimamori lock"),
        forgotPassphrase: "パスフレーズを忘れたとき: 封をしたデータベースを脇に置き、新しく作ります。同期済みの記録は mimamori sync で戻ります（先に、失われる未送信の件数を示します）。",
        generatorWords: [
            ("OVERVIEW: ", "概要: "),
            ("USAGE: ", "使い方: "),
            ("Usage: ", "使い方: "),
            ("ARGUMENTS:", "引数:"),
            ("OPTIONS:", "オプション:"),
            ("SUBCOMMANDS:", "サブコマンド:"),
            ("Show help information.", "この説明を表示します。"),
            ("<subcommand>", "<サブコマンド>"),
            ("(default)", "（省略時）"),
            ("(default: ", "（省略時: "),
            ("<options>", "<オプション>"),
        ])
}
