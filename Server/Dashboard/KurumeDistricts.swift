import Foundation

/// The 46 校区 of Kurume, in the city's usual order: the coordinator's 校区 table lists every one of them,
/// with a zero where nothing was recorded yet, so a missing 校区 is seen rather than silently absent.
/// Ids are the romanised names laptops record in `district`; any other id found in the counters is listed after them.
enum KurumeDistricts {
    static let all: [(id: String, name: String)] = [
        ("kyomachi", "京町"), ("sasayama", "篠山"), ("shojima", "荘島"), ("hiyoshi", "日吉"), ("kushihara", "櫛原"),
        ("nankun", "南薫"), ("nishikokubu", "西国分"), ("torikai", "鳥飼"), ("kanamaru", "金丸"), ("nagatoishi", "長門石"),
        ("komorino", "小森野"), ("miyanojin", "宮ノ陣"), ("aikawa", "合川"), ("higashikokubu", "東国分"), ("mii", "御井"),
        ("yamakawa", "山川"), ("koranouchi", "高良内"), ("kozu", "上津"), ("minami", "南"), ("tsubuku", "津福"),
        ("yasutake", "安武"), ("daizenji", "大善寺"), ("araki", "荒木"), ("seiho", "青峰"), ("yamamoto", "山本"),
        ("kusano", "草野"), ("zendoji", "善導寺"), ("ohashi", "大橋"), ("tanushimaru", "田主丸"), ("mizuwake", "水分"),
        ("takeno", "竹野"), ("kawai", "川会"), ("minawa", "水縄"), ("funakoshi", "船越"), ("kitano", "北野"),
        ("yuge", "弓削"), ("oki", "大城"), ("kaneshima", "金島"), ("jojima", "城島"), ("shimoda", "下田"),
        ("egami", "江上"), ("ukishima", "浮島"), ("aoki", "青木"), ("inuzuka", "犬塚"), ("mizuma", "三潴"),
        ("nishimuta", "西牟田"),
    ]

    static let ids = all.map(\.id)
    private static let names = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.name) })

    /// "京町" for "kyomachi"; an id not in the list shows as itself.
    static func label(_ id: String) -> String { names[id] ?? id }
}
