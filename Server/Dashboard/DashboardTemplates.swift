import Foundation
import Mustache

/// The dashboard's Mustache templates. `{{name}}` escapes for HTML, so every text a store or a request
/// supplies is escaped; no template uses the unescaped `{{{…}}}` form (a test checks this).
enum DashboardTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        // The templates are constants of this file: a parse failure is a programming error caught by every test.
        for (name, text) in sources { try! library.register(text, named: name) }
        return library
    }()

    static let sources: [(String, String)] = [
        ("head", head), ("foot", foot), ("login", login), ("page", page), ("chart", chart), ("table", table), ("message", message),
    ]

    static let head = """
        <!DOCTYPE html>
        <html lang="ja">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{pageTitle}} — 見守り</title>
        <link rel="stylesheet" href="/static/dashboard.css">
        </head>
        <body>

        """

    static let foot = """
        <footer class="site"><p>見守り（Mimamori）— 訪問先の氏名・記録の内容は表示しません。</p></footer>
        </body>
        </html>

        """

    static let login = """
        {{> head}}
        <main class="login">
        <h1>見守り 活動件数ダッシュボード</h1>
        <p>管理者から受け取ったトークン（mmr_ で始まる文字列）を入力してください。生活支援コーディネーターと地区事務所のトークンで入れます。</p>
        {{#error}}<p class="error" role="alert" id="login-error">{{error}}</p>{{/error}}
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <form method="post" action="/login">
        <label for="token">トークン</label>
        <input type="password" id="token" name="token" autocomplete="off" required autofocus>
        <button type="submit">サインイン</button>
        </form>
        </main>
        {{> foot}}
        """

    static let message = """
        {{> head}}
        <main class="login">
        <h1>{{pageTitle}}</h1>
        <p class="error" role="alert">{{message}}</p>
        <p><a href="{{backLink}}">{{backText}}</a></p>
        </main>
        {{> foot}}
        """

    static let chart = """
        <figure class="chart" id="chart-{{id}}">
        <figcaption>{{title}}</figcaption>
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{width}} {{height}}" role="img" aria-labelledby="{{id}}-title {{id}}-desc">
        <title id="{{id}}-title">{{title}}</title>
        <desc id="{{id}}-desc">{{summary}}</desc>
        {{#gridLines}}<line class="grid" x1="{{plot.x}}" x2="{{plot.right}}" y1="{{y}}" y2="{{y}}"/><text class="tick" x="{{plot.x}}" dx="-6" y="{{labelY}}" text-anchor="end">{{label}}</text>
        {{/gridLines}}
        <line class="axis" x1="{{plot.x}}" x2="{{plot.right}}" y1="{{plot.bottom}}" y2="{{plot.bottom}}"/>
        {{#bars}}<rect class="bar {{style}}" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{label}}</title></rect>
        {{/bars}}
        {{#lines}}<polyline class="line {{style}}" points="{{points}}"/>{{#dots}}<circle class="dot {{style}}" cx="{{x}}" cy="{{y}}" r="3"><title>{{label}}</title></circle>{{/dots}}
        {{/lines}}
        {{#xLabels}}<text class="tick" x="{{x}}" y="{{y}}" text-anchor="middle">{{label}}</text>
        {{/xLabels}}
        {{#legend}}{{#isLine}}<line class="line {{style}}" x1="{{x}}" x2="{{textX}}" y1="{{y}}" y2="{{y}}" transform="translate(-4,0)"/>{{/isLine}}{{^isLine}}<rect class="bar {{style}}" x="{{x}}" y="8" width="18" height="12"/>{{/isLine}}<text class="legend" x="{{textX}}" y="{{textY}}">{{label}}</text>
        {{/legend}}
        </svg>
        </figure>

        """

    static let table = """
        <section class="table" id="table-{{id}}">
        <h2>{{title}} <a class="csv" href="{{csvPath}}" download>CSV</a></h2>
        {{#note}}<p class="note">{{note}}</p>{{/note}}
        <table>
        <thead><tr>{{#columns}}<th scope="col"{{#numeric}} class="num"{{/numeric}}>{{header}}</th>{{/columns}}</tr></thead>
        <tbody>
        {{#rows}}<tr>{{#cells}}<td{{#numeric}} class="num"{{/numeric}}>{{text}}</td>{{/cells}}</tr>
        {{/rows}}
        </tbody>
        </table>
        </section>

        """

    static let page = """
        {{> head}}
        {{#page}}
        <header class="site">
        <div class="who">{{title}} ／ {{signedInAs}} でサインイン中</div>
        <form method="post" action="/logout" class="logout"><button type="submit">サインアウト</button></form>
        </header>
        <main>
        <h1>{{title}}：<span id="fiscal-year">{{fiscalYearLongLabel}}</span></h1>
        <p class="asof">{{asOfLabel}}現在（経過 {{monthsElapsed}}か月）{{#isOffice}} ／ 対象校区：{{#districts}}<span class="district">{{name}}</span>{{/districts}}{{/isOffice}}</p>
        <form method="get" action="/dashboard" class="year">
        <label for="fy">年度</label>
        <select id="fy" name="fy">{{#fiscalYearOptions}}<option value="{{year}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/fiscalYearOptions}}</select>
        <button type="submit">表示</button>
        <a href="/dashboard.json?fy={{fiscalYear}}">JSON</a>
        </form>
        <section class="cards">
        {{#indicators}}
        <article class="card" id="card-{{id}}">
        <h2>{{name}}</h2>
        <p class="big"><span class="count">{{countText}}</span></p>
        <svg class="meter" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true"><rect class="meter-bg" width="100" height="4"/><rect class="meter-fill" width="{{progressBar}}" height="4"/></svg>
        <dl>
        <dt>年間目標</dt><dd class="annual-target">{{annualTargetText}}</dd>
        <dt>按分目標（本日まで）</dt><dd class="prorated-target">{{proratedTargetText}}</dd>
        <dt>進捗率</dt><dd class="progress">{{progressText}}</dd>
        <dt>年間目標比</dt><dd>{{annualProgressText}}</dd>
        <dt>前年度同期</dt><dd class="last-year">{{lastYearSamePeriodText}}（{{versusLastYearText}}）</dd>
        <dt>基準値（{{baselineLabel}}）</dt><dd class="baseline">{{baselineText}}</dd>
        </dl>
        </article>
        {{/indicators}}
        </section>
        <p class="note">{{targetNote}}</p>
        {{#cumulativeChart}}{{> chart}}{{/cumulativeChart}}
        {{#monthlyChart}}{{> chart}}{{/monthlyChart}}
        {{#trendChart}}{{> chart}}{{/trendChart}}
        {{#tables}}{{> table}}{{/tables}}
        {{#isOffice}}
        <form method="get" action="/dashboard" class="year" id="month-form">
        <input type="hidden" name="fy" value="{{fiscalYear}}">
        <label for="month">民生委員の活動記録の月</label>
        <input type="month" id="month" name="month" value="{{reportMonth}}">
        <button type="submit">表示</button>
        </form>
        {{/isOffice}}
        {{#officeTables}}{{> table}}{{/officeTables}}
        </main>
        {{/page}}
        {{> foot}}
        """
}
