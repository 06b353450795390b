"""Which province a report comes from, as data: the 34 provincial-level divisions, every
prefecture-level division (地级市, 地区, 自治州, 盟), and the districts and counties of the four
municipalities, the provincial capitals and the sub-provincial cities (plus the seat of each
自治州, 地区 and 盟) — and `province_of`, which finds them in a report's agency, title and opening
texts:

    province_of("成都市新都区总工会", title, texts) -> Province(name="四川", …, evidence=("成都市", "新都区"))

Written by hand from the divisions of 2024, plus the few names reports of 2019–2021 still print
(`FORMER_COUNTIES`, `FORMER_PREFECTURES`); nothing is downloaded. A name counts only with its
suffix (成都市, 凉山州, 新都区): bare city names are ordinary words too often (安康, 白银, 来宾, 长治).

District names repeat across China (鼓楼区 is in 南京, 徐州, 福州 and 开封): a district or county
name decides a province only when every place of that name lies in one province — within this
table, and outside it (`SHARED`). Likewise the one-character abbreviation of a document number
(`川财绩〔2025〕10号`): 宁 is also 南京's, so `宁财…` decides nothing (`SHARED_ABBREVIATIONS`).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Province:
    name: str  # short: 四川, 广西, 北京
    full_name: str  # 四川省, 广西壮族自治区, 北京市
    abbreviation: str  # 川, as in 川财绩〔2025〕10号
    evidence: tuple[str, ...] = ()  # the words that decided it (set by `province_of`)


# GB/T 2260 order. The abbreviation is the official one, which provincial document numbers print
# (川财, 黔财, 云财) — but for 内蒙古, whose numbers print 内 (内财预).
PROVINCES = tuple(Province(*row.split()) for row in """
    北京 北京市 京 | 天津 天津市 津 | 河北 河北省 冀 | 山西 山西省 晋 | 内蒙古 内蒙古自治区 蒙
    辽宁 辽宁省 辽 | 吉林 吉林省 吉 | 黑龙江 黑龙江省 黑 | 上海 上海市 沪 | 江苏 江苏省 苏
    浙江 浙江省 浙 | 安徽 安徽省 皖 | 福建 福建省 闽 | 江西 江西省 赣 | 山东 山东省 鲁
    河南 河南省 豫 | 湖北 湖北省 鄂 | 湖南 湖南省 湘 | 广东 广东省 粤 | 广西 广西壮族自治区 桂
    海南 海南省 琼 | 重庆 重庆市 渝 | 四川 四川省 川 | 贵州 贵州省 黔 | 云南 云南省 云
    西藏 西藏自治区 藏 | 陕西 陕西省 陕 | 甘肃 甘肃省 甘 | 青海 青海省 青 | 宁夏 宁夏回族自治区 宁
    新疆 新疆维吾尔自治区 新 | 台湾 台湾省 台 | 香港 香港特别行政区 港 | 澳门 澳门特别行政区 澳
    """.replace("|", "\n").split("\n") if row.strip())
BY_NAME = {p.name: p for p in PROVINCES}
_BY_FULL_NAME = {p.full_name: p.name for p in PROVINCES}
# Other ways of writing a province: as firm as its full name, or (内蒙) as its bare name.
PROVINCE_ALIASES = {"广西自治区": "广西", "宁夏自治区": "宁夏", "新疆自治区": "新疆", "新疆生产建设兵团": "新疆"}
SHORT_ALIASES = {"内蒙": "内蒙古"}

# --- prefecture-level divisions: 293 地级市, 7 地区, 30 自治州, 3 盟 ------------------------------------

_PREFECTURES = {
    "河北": "石家庄市 唐山市 秦皇岛市 邯郸市 邢台市 保定市 张家口市 承德市 沧州市 廊坊市 衡水市",
    "山西": "太原市 大同市 阳泉市 长治市 晋城市 朔州市 晋中市 运城市 忻州市 临汾市 吕梁市",
    "内蒙古": "呼和浩特市 包头市 乌海市 赤峰市 通辽市 鄂尔多斯市 呼伦贝尔市 巴彦淖尔市 乌兰察布市"
              " 兴安盟 锡林郭勒盟 阿拉善盟",
    "辽宁": "沈阳市 大连市 鞍山市 抚顺市 本溪市 丹东市 锦州市 营口市 阜新市 辽阳市 盘锦市 铁岭市 朝阳市 葫芦岛市",
    "吉林": "长春市 吉林市 四平市 辽源市 通化市 白山市 松原市 白城市 延边朝鲜族自治州",
    "黑龙江": "哈尔滨市 齐齐哈尔市 鸡西市 鹤岗市 双鸭山市 大庆市 伊春市 佳木斯市 七台河市 牡丹江市 黑河市 绥化市"
              " 大兴安岭地区",
    "江苏": "南京市 无锡市 徐州市 常州市 苏州市 南通市 连云港市 淮安市 盐城市 扬州市 镇江市 泰州市 宿迁市",
    "浙江": "杭州市 宁波市 温州市 嘉兴市 湖州市 绍兴市 金华市 衢州市 舟山市 台州市 丽水市",
    "安徽": "合肥市 芜湖市 蚌埠市 淮南市 马鞍山市 淮北市 铜陵市 安庆市 黄山市 滁州市 阜阳市 宿州市 六安市 亳州市"
            " 池州市 宣城市",
    "福建": "福州市 厦门市 莆田市 三明市 泉州市 漳州市 南平市 龙岩市 宁德市",
    "江西": "南昌市 景德镇市 萍乡市 九江市 新余市 鹰潭市 赣州市 吉安市 宜春市 抚州市 上饶市",
    "山东": "济南市 青岛市 淄博市 枣庄市 东营市 烟台市 潍坊市 济宁市 泰安市 威海市 日照市 临沂市 德州市 聊城市"
            " 滨州市 菏泽市",
    "河南": "郑州市 开封市 洛阳市 平顶山市 安阳市 鹤壁市 新乡市 焦作市 濮阳市 许昌市 漯河市 三门峡市 南阳市 商丘市"
            " 信阳市 周口市 驻马店市",
    "湖北": "武汉市 黄石市 十堰市 宜昌市 襄阳市 鄂州市 荆门市 孝感市 荆州市 黄冈市 咸宁市 随州市"
            " 恩施土家族苗族自治州",
    "湖南": "长沙市 株洲市 湘潭市 衡阳市 邵阳市 岳阳市 常德市 张家界市 益阳市 郴州市 永州市 怀化市 娄底市"
            " 湘西土家族苗族自治州",
    "广东": "广州市 韶关市 深圳市 珠海市 汕头市 佛山市 江门市 湛江市 茂名市 肇庆市 惠州市 梅州市 汕尾市 河源市"
            " 阳江市 清远市 东莞市 中山市 潮州市 揭阳市 云浮市",
    "广西": "南宁市 柳州市 桂林市 梧州市 北海市 防城港市 钦州市 贵港市 玉林市 百色市 贺州市 河池市 来宾市 崇左市",
    "海南": "海口市 三亚市 三沙市 儋州市",
    "四川": "成都市 自贡市 攀枝花市 泸州市 德阳市 绵阳市 广元市 遂宁市 内江市 乐山市 南充市 眉山市 宜宾市 广安市"
            " 达州市 雅安市 巴中市 资阳市 阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州",
    "贵州": "贵阳市 六盘水市 遵义市 安顺市 毕节市 铜仁市"
            " 黔西南布依族苗族自治州 黔东南苗族侗族自治州 黔南布依族苗族自治州",
    "云南": "昆明市 曲靖市 玉溪市 保山市 昭通市 丽江市 普洱市 临沧市 楚雄彝族自治州 红河哈尼族彝族自治州"
            " 文山壮族苗族自治州 西双版纳傣族自治州 大理白族自治州 德宏傣族景颇族自治州 怒江傈僳族自治州"
            " 迪庆藏族自治州",
    "西藏": "拉萨市 日喀则市 昌都市 林芝市 山南市 那曲市 阿里地区",
    "陕西": "西安市 铜川市 宝鸡市 咸阳市 渭南市 延安市 汉中市 榆林市 安康市 商洛市",
    "甘肃": "兰州市 嘉峪关市 金昌市 白银市 天水市 武威市 张掖市 平凉市 酒泉市 庆阳市 定西市 陇南市"
            " 临夏回族自治州 甘南藏族自治州",
    "青海": "西宁市 海东市 海北藏族自治州 黄南藏族自治州 海南藏族自治州 果洛藏族自治州 玉树藏族自治州"
            " 海西蒙古族藏族自治州",
    "宁夏": "银川市 石嘴山市 吴忠市 固原市 中卫市",
    "新疆": "乌鲁木齐市 克拉玛依市 吐鲁番市 哈密市 阿克苏地区 喀什地区 和田地区 塔城地区 阿勒泰地区"
            " 昌吉回族自治州 博尔塔拉蒙古自治州 巴音郭楞蒙古自治州 克孜勒苏柯尔克孜自治州 伊犁哈萨克自治州",
}
PREFECTURES = {name: province for province, names in _PREFECTURES.items() for name in names.split()}

# How reports shorten an autonomous prefecture (凉山州). Two-character forms (博州, 巴州 — 巴州区 is in
# 巴中) are left out.
PREFECTURE_SHORT = {
    "延边州": "延边朝鲜族自治州", "恩施州": "恩施土家族苗族自治州", "湘西州": "湘西土家族苗族自治州",
    "阿坝州": "阿坝藏族羌族自治州", "甘孜州": "甘孜藏族自治州", "凉山州": "凉山彝族自治州",
    "黔西南州": "黔西南布依族苗族自治州", "黔东南州": "黔东南苗族侗族自治州", "黔南州": "黔南布依族苗族自治州",
    "楚雄州": "楚雄彝族自治州", "红河州": "红河哈尼族彝族自治州", "文山州": "文山壮族苗族自治州",
    "西双版纳州": "西双版纳傣族自治州", "大理州": "大理白族自治州", "德宏州": "德宏傣族景颇族自治州",
    "怒江州": "怒江傈僳族自治州", "迪庆州": "迪庆藏族自治州", "临夏州": "临夏回族自治州", "甘南州": "甘南藏族自治州",
    "海北州": "海北藏族自治州", "黄南州": "黄南藏族自治州", "海南州": "海南藏族自治州", "果洛州": "果洛藏族自治州",
    "玉树州": "玉树藏族自治州", "海西州": "海西蒙古族藏族自治州", "昌吉州": "昌吉回族自治州",
    "伊犁州": "伊犁哈萨克自治州",
}

# --- districts and counties: the municipalities, the provincial capitals, the sub-provincial cities -----

COUNTIES_OF = {
    "北京市": "东城区 西城区 朝阳区 丰台区 石景山区 海淀区 门头沟区 房山区 通州区 顺义区 昌平区 大兴区 怀柔区"
              " 平谷区 密云区 延庆区",
    "天津市": "和平区 河东区 河西区 南开区 河北区 红桥区 东丽区 西青区 津南区 北辰区 武清区 宝坻区 滨海新区"
              " 宁河区 静海区 蓟州区",
    "上海市": "黄浦区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 闵行区 宝山区 嘉定区 浦东新区 金山区 松江区"
              " 青浦区 奉贤区 崇明区",
    "重庆市": "万州区 涪陵区 渝中区 大渡口区 江北区 沙坪坝区 九龙坡区 南岸区 北碚区 綦江区 大足区 渝北区 巴南区"
              " 黔江区 长寿区 江津区 合川区 永川区 南川区 璧山区 铜梁区 潼南区 荣昌区 开州区 梁平区 武隆区"
              " 城口县 丰都县 垫江县 忠县 云阳县 奉节县 巫山县 巫溪县 石柱土家族自治县 秀山土家族苗族自治县"
              " 酉阳土家族苗族自治县 彭水苗族土家族自治县",
    "石家庄市": "长安区 桥西区 新华区 井陉矿区 裕华区 藁城区 鹿泉区 栾城区 井陉县 正定县 行唐县 灵寿县 高邑县"
                " 深泽县 赞皇县 无极县 平山县 元氏县 赵县 辛集市 晋州市 新乐市",
    "太原市": "小店区 迎泽区 杏花岭区 尖草坪区 万柏林区 晋源区 清徐县 阳曲县 娄烦县 古交市",
    "呼和浩特市": "新城区 回民区 玉泉区 赛罕区 土默特左旗 托克托县 和林格尔县 清水河县 武川县",
    "沈阳市": "和平区 沈河区 大东区 皇姑区 铁西区 苏家屯区 浑南区 沈北新区 于洪区 辽中区 康平县 法库县 新民市",
    "大连市": "中山区 西岗区 沙河口区 甘井子区 旅顺口区 金州区 普兰店区 长海县 瓦房店市 庄河市",
    "长春市": "南关区 宽城区 朝阳区 二道区 绿园区 双阳区 九台区 农安县 榆树市 德惠市 公主岭市",
    "哈尔滨市": "道里区 南岗区 道外区 平房区 松北区 香坊区 呼兰区 阿城区 双城区 依兰县 方正县 宾县 巴彦县 木兰县"
                " 通河县 延寿县 尚志市 五常市",
    "南京市": "玄武区 秦淮区 建邺区 鼓楼区 浦口区 栖霞区 雨花台区 江宁区 六合区 溧水区 高淳区",
    "杭州市": "上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 富阳区 临安区 临平区 钱塘区 桐庐县 淳安县 建德市",
    "宁波市": "海曙区 江北区 北仑区 镇海区 鄞州区 奉化区 象山县 宁海县 余姚市 慈溪市",
    "合肥市": "瑶海区 庐阳区 蜀山区 包河区 长丰县 肥东县 肥西县 庐江县 巢湖市",
    "福州市": "鼓楼区 台江区 仓山区 马尾区 晋安区 长乐区 闽侯县 连江县 罗源县 闽清县 永泰县 平潭县 福清市",
    "厦门市": "思明区 海沧区 湖里区 集美区 同安区 翔安区",
    "南昌市": "东湖区 西湖区 青云谱区 青山湖区 新建区 红谷滩区 南昌县 安义县 进贤县",
    "济南市": "历下区 市中区 槐荫区 天桥区 历城区 长清区 章丘区 济阳区 莱芜区 钢城区 平阴县 商河县",
    "青岛市": "市南区 市北区 黄岛区 崂山区 李沧区 城阳区 即墨区 胶州市 平度市 莱西市",
    "郑州市": "中原区 二七区 管城回族区 金水区 上街区 惠济区 中牟县 巩义市 荥阳市 新密市 新郑市 登封市",
    "武汉市": "江岸区 江汉区 硚口区 汉阳区 武昌区 青山区 洪山区 东西湖区 汉南区 蔡甸区 江夏区 黄陂区 新洲区",
    "长沙市": "芙蓉区 天心区 岳麓区 开福区 雨花区 望城区 长沙县 浏阳市 宁乡市",
    "广州市": "荔湾区 越秀区 海珠区 天河区 白云区 黄埔区 番禺区 花都区 南沙区 从化区 增城区",
    "深圳市": "罗湖区 福田区 南山区 宝安区 龙岗区 盐田区 龙华区 坪山区 光明区",
    "南宁市": "兴宁区 青秀区 江南区 西乡塘区 良庆区 邕宁区 武鸣区 隆安县 马山县 上林县 宾阳县 横州市",
    "海口市": "秀英区 龙华区 琼山区 美兰区",
    "成都市": "锦江区 青羊区 金牛区 武侯区 成华区 龙泉驿区 青白江区 新都区 温江区 双流区 郫都区 新津区 金堂县"
              " 大邑县 蒲江县 都江堰市 彭州市 邛崃市 崇州市 简阳市",
    "贵阳市": "南明区 云岩区 花溪区 乌当区 白云区 观山湖区 开阳县 息烽县 修文县 清镇市",
    "昆明市": "五华区 盘龙区 官渡区 西山区 东川区 呈贡区 晋宁区 富民县 宜良县 石林彝族自治县 嵩明县"
              " 禄劝彝族苗族自治县 寻甸回族彝族自治县 安宁市",
    "拉萨市": "城关区 堆龙德庆区 达孜区 林周县 当雄县 尼木县 曲水县 墨竹工卡县",
    "西安市": "新城区 碑林区 莲湖区 灞桥区 未央区 雁塔区 阎良区 临潼区 长安区 高陵区 鄠邑区 蓝田县 周至县",
    "兰州市": "城关区 七里河区 西固区 安宁区 红古区 永登县 皋兰县 榆中县",
    "西宁市": "城东区 城中区 城西区 城北区 湟中区 大通回族土族自治县 湟源县",
    "银川市": "兴庆区 西夏区 金凤区 永宁县 贺兰县 灵武市",
    "乌鲁木齐市": "天山区 沙依巴克区 新市区 水磨沟区 头屯河区 达坂城区 米东区 乌鲁木齐县",
}
# County-level divisions a province administers directly (no prefecture above them).
PROVINCE_COUNTIES = {
    "河南": "济源市",
    "湖北": "仙桃市 潜江市 天门市 神农架林区",
    "海南": "五指山市 琼海市 文昌市 万宁市 东方市 定安县 屯昌县 澄迈县 临高县 白沙黎族自治县 昌江黎族自治县"
            " 乐东黎族自治县 陵水黎族自治县 保亭黎族苗族自治县 琼中黎族苗族自治县",
    "新疆": "石河子市 阿拉尔市 图木舒克市 五家渠市 北屯市 铁门关市 双河市 可克达拉市 昆玉市 胡杨河市 新星市 白杨市",
}
# The seat of each 自治州, 地区 and 盟 (大理市 is in 大理州): county-level names repeat nowhere in China.
# Left out: 芒市 and 合作市 (光芒市场, 合作市级…).
SEATS = {
    "延吉市": "延边朝鲜族自治州", "加格达奇区": "大兴安岭地区", "乌兰浩特市": "兴安盟", "锡林浩特市": "锡林郭勒盟",
    "阿拉善左旗": "阿拉善盟", "恩施市": "恩施土家族苗族自治州", "吉首市": "湘西土家族苗族自治州",
    "马尔康市": "阿坝藏族羌族自治州", "康定市": "甘孜藏族自治州", "西昌市": "凉山彝族自治州",
    "兴义市": "黔西南布依族苗族自治州", "凯里市": "黔东南苗族侗族自治州", "都匀市": "黔南布依族苗族自治州",
    "楚雄市": "楚雄彝族自治州", "蒙自市": "红河哈尼族彝族自治州", "文山市": "文山壮族苗族自治州",
    "景洪市": "西双版纳傣族自治州", "大理市": "大理白族自治州", "泸水市": "怒江傈僳族自治州",
    "香格里拉市": "迪庆藏族自治州", "噶尔县": "阿里地区", "临夏市": "临夏回族自治州", "海晏县": "海北藏族自治州",
    "同仁市": "黄南藏族自治州", "共和县": "海南藏族自治州", "玛沁县": "果洛藏族自治州", "玉树市": "玉树藏族自治州",
    "德令哈市": "海西蒙古族藏族自治州", "昌吉市": "昌吉回族自治州", "博乐市": "博尔塔拉蒙古自治州",
    "库尔勒市": "巴音郭楞蒙古自治州", "阿图什市": "克孜勒苏柯尔克孜自治州", "伊宁市": "伊犁哈萨克自治州",
    "阿克苏市": "阿克苏地区", "喀什市": "喀什地区", "和田市": "和田地区", "塔城市": "塔城地区", "阿勒泰市": "阿勒泰地区",
}
# Places outside the table whose names hold a province's: without them 海南区 would read as 海南.
TRAPS = {"海南区": "乌海市", "河南蒙古族自治县": "黄南藏族自治州", "河南县": "黄南藏族自治州"}
# Names of 2019–2021 that reports of those years still print.
FORMER_COUNTIES = {"江干区": "杭州市", "下城区": "杭州市", "湾里区": "南昌市", "郫县": "成都市", "新津县": "成都市",
                   "湟中县": "西宁市"}
FORMER_PREFECTURES = {"莱芜市": "山东"}  # 济南市莱芜区 and 钢城区 since 2019

# Names of the table that also exist outside it (the other cities, or a province): they decide only
# when all of them lie in one province. Names listed twice in the table (朝阳区: 北京, 长春) need no entry.
SHARED = {
    "鼓楼区": "徐州市 开封市", "青山区": "包头市", "南山区": "鹤岗市", "普陀区": "舟山市", "宝山区": "双鸭山市",
    "通州区": "南通市", "河东区": "临沂市", "新华区": "沧州市 平顶山市", "桥西区": "张家口市",
    "铁西区": "鞍山市 四平市", "城中区": "柳州市", "市中区": "枣庄市 乐山市 内江市",
    "中山区": "台湾省",  # 台北市, 基隆市
}
# Document numbers are read after 财 (finance: 川财绩, 鄂财预), 政 or 办 (government: 鄂政办发); 府 is
# left out, as cities number with it (鄂府发 is 鄂尔多斯's, not 湖北's). 内蒙古 numbers with 内 (内财预),
# not its abbreviation 蒙; 内 is not read (内江 prints it too).
# Abbreviations that a city prints too (青政发 is 青岛's): they decide nothing.
SHARED_ABBREVIATIONS = {"宁": "南京市 宁德市", "青": "青岛市", "台": "台州市", "吉": "吉安市", "云": "云浮市",
                        "新": "新乡市"}

# --- reading ----------------------------------------------------------------------------------------

OPENING_CHARS = 2000  # how much of the opening texts is read
_STRONG, _WEAK = 2, 1  # a bare province name (四川, from 四川众信达咨询公司) counts less than 四川省 or 成都市
_HAN = "\u3400-\u9fff"
_DOCUMENT_NUMBER = re.compile(
    rf"(?:(?<![{_HAN}])|(?<=[据照依按循和及与的见]))([{''.join(p.abbreviation for p in PROVINCES)}])"
    rf"(?:财|政|办)[{_HAN}]{{0,5}}[〔\[【(]\s*(?:19|20)\d\d\s*[〕\]】)]\s*第?\s*\d+\s*号")
# Where a name ends inside a longer word: 中原区域, 中山市场, 北京路.
_NOT_AFTER = {"区": ("域", "划", "间"), "市": ("场",),
              "short": ("路", "街", "大街", "大道", "东路", "西路", "南路", "北路", "中路")}


def _province_of_place(place: str) -> str:
    """四川 for 成都市, 北京 for 北京市, 台湾 for 台湾省."""
    return _BY_FULL_NAME.get(place) or PREFECTURES[place]


def _county_provinces() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for city, names in COUNTIES_OF.items():
        for name in names.split():
            found.setdefault(name, set()).add(_province_of_place(city))
    for province, names in PROVINCE_COUNTIES.items():
        for name in names.split():
            found.setdefault(name, set()).add(province)
    for name, place in (FORMER_COUNTIES | SEATS | TRAPS).items():
        found.setdefault(name, set()).add(_province_of_place(place))
    for name, places in SHARED.items():
        found[name].update(_province_of_place(place) for place in places.split())
    return {name: frozenset(provinces) for name, provinces in found.items()}


COUNTIES = _county_provinces()  # name → the provinces a place of that name lies in


def _names() -> dict[str, tuple[frozenset[str], int]]:
    """Every name read, with the provinces it may mean and its weight."""
    names: dict[str, tuple[frozenset[str], int]] = {}
    names.update({p.name: (frozenset({p.name}), _WEAK) for p in PROVINCES})
    names.update({p.full_name: (frozenset({p.name}), _STRONG) for p in PROVINCES})
    names.update({alias: (frozenset({name}), _STRONG) for alias, name in PROVINCE_ALIASES.items()})
    names.update({alias: (frozenset({name}), _WEAK) for alias, name in SHORT_ALIASES.items()})
    names.update({name: (frozenset({p}), _STRONG) for name, p in PREFECTURES.items()})
    names.update({short: (frozenset({PREFECTURES[full]}), _STRONG) for short, full in PREFECTURE_SHORT.items()})
    names.update({name: (frozenset({p}), _STRONG) for name, p in FORMER_PREFECTURES.items()})
    names.update({name: (provinces, _STRONG) for name, provinces in COUNTIES.items()})
    return names


NAMES = _names()
_BY_FIRST: dict[str, list[str]] = {}
for _name in sorted(NAMES, key=len, reverse=True):
    _BY_FIRST.setdefault(_name[0], []).append(_name)


def _ends_inside_word(name: str, text: str, end: int) -> bool:
    kind = "short" if NAMES[name][1] == _WEAK else name[-1]
    return text.startswith(_NOT_AFTER.get(kind, ()), end)


def places(text: str) -> list[tuple[str, frozenset[str], int]]:
    """The names in `text`, longest first at each position, each with the provinces it may mean and
    its weight; document numbers (`川财绩〔2025〕10号`) too."""
    found = []
    i = 0
    while i < len(text):
        name = next((n for n in _BY_FIRST.get(text[i], ()) if text.startswith(n, i)
                     and not _ends_inside_word(n, text, i + len(n))), None)
        if name is None:
            i += 1
            continue
        found.append((name, *NAMES[name]))
        i += len(name)
    for match in _DOCUMENT_NUMBER.finditer(text):
        abbreviation = match.group(1)
        provinces = {p.name for p in PROVINCES if p.abbreviation == abbreviation}
        provinces |= {_province_of_place(city) for city in SHARED_ABBREVIATIONS.get(abbreviation, "").split()}
        found.append((match.group(0), frozenset(provinces), _STRONG))
    return found


def province_of(agency: str | None, title: str | None, texts: Iterable[str] = ()) -> Province | None:
    """The province of a report: from its agency, else its title, else its opening texts (the first
    `OPENING_CHARS` characters of `texts`: cover lines, paragraphs, table rows in reading order). The
    first of these naming a province decides, through the weightiest names it holds (a bare province
    name counts less than 四川省, 成都市, 新都区 or 川财绩〔2025〕10号), which become the `evidence`.
    Two provinces named with equal weight there give None; a name that exists in two provinces
    (鼓楼区) names none."""
    for text in (agency, title, _opening(texts)):
        if not text:
            continue
        best: dict[str, tuple[int, list[str]]] = {}
        for word, provinces, weight in places(_clean(text)):
            if len(provinces) != 1:
                continue
            (province,) = provinces
            held_weight, words = best.get(province, (0, []))
            if weight > held_weight:
                best[province] = (weight, [word])
            elif weight == held_weight and word not in words:
                words.append(word)
        if not best:
            continue
        top = max(weight for weight, _ in best.values())
        winners = [p for p, (weight, _) in best.items() if weight == top]
        if len(winners) > 1:
            return None
        return replace(BY_NAME[winners[0]], evidence=tuple(best[winners[0]][1]))
    return None


def _opening(texts: Iterable[str]) -> str:
    taken, size = [], 0
    for text in texts:
        if size >= OPENING_CHARS:
            break
        if not text:
            continue
        taken.append(text[:OPENING_CHARS - size])
        size += len(taken[-1])
    return "\n".join(taken)


def _clean(text: str) -> str:
    return re.sub(r"[^\S\n]+", "", unicodedata.normalize("NFKC", text))
