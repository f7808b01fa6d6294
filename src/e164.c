/*
 * e164.c -- the country calling codes assigned in ITU-T Recommendation
 * E.164, and one look-up.  It deliberately knows nothing of national
 * numbering plans (number lengths, area codes): docs/format.md 3 asks only
 * that CC be assigned and that CC and NUMBER together hold at most 15
 * digits, which validate.c checks.
 *
 * Source: ITU-T, "List of ITU-T Recommendation E.164 assigned country
 * codes" (Complement to ITU-T E.164 (11/2010)), position on 15 December
 * 2016, annexed to ITU Operational Bulletin No. 1114.  That is the
 * edition this table relies on (still the current annexed edition in
 * OB No. 1155 of August 2018); amendments published later in the
 * Operational Bulletin were not re-checked when the table was written
 * (2026-11).  Codes the list gives as spare or reserved for future use
 * are left out: among them 0 (never a code), 210, 214, 215, 217, 219,
 * 259, 28x, 292-296, 384, 422, 424-429, 671, 684, 693-699, 801-807, 809,
 * 83x, 851, 854, 857-859, 871-877, 879, 884, 885, 887, 889, 89x, 969,
 * 978, 990, 997 and 999.
 * Two entries are kept on purpose although the list marks them with a
 * note: +970 (reserved for Palestine per ITU Plenipotentiary Resolution
 * 99, in service) and +379 (listed for the Vatican City State, which in
 * practice uses +39).  Shared, non-geographic codes are included: 388,
 * 800, 808, 870, 878, 881, 882, 883, 888, 979 and 991.
 *
 * To update: compare with the current list at
 * https://www.itu.int/pub/T-SP-E.164D and its amendments in the ITU
 * Operational Bulletin, keep the table sorted (strcmp order) and update
 * the date above and in cr_e164_source.
 */
#include <stdlib.h>
#include <string.h>

#include "validate.h"

const char cr_e164_source[] =
    "ITU-T E.164 assigned country codes, position on 2016-12-15 "
    "(annex to ITU OB No. 1114)";

/* Sorted by strcmp. */
static const char e164_codes[][4] = {
	"1",	/* North American Numbering Plan Area */
	"20",	/* Egypt */
	"211",	/* South Sudan */
	"212",	/* Morocco */
	"213",	/* Algeria */
	"216",	/* Tunisia */
	"218",	/* Libya */
	"220",	/* Gambia */
	"221",	/* Senegal */
	"222",	/* Mauritania */
	"223",	/* Mali */
	"224",	/* Guinea */
	"225",	/* Cote d'Ivoire */
	"226",	/* Burkina Faso */
	"227",	/* Niger */
	"228",	/* Togo */
	"229",	/* Benin */
	"230",	/* Mauritius */
	"231",	/* Liberia */
	"232",	/* Sierra Leone */
	"233",	/* Ghana */
	"234",	/* Nigeria */
	"235",	/* Chad */
	"236",	/* Central African Rep. */
	"237",	/* Cameroon */
	"238",	/* Cabo Verde */
	"239",	/* Sao Tome and Principe */
	"240",	/* Equatorial Guinea */
	"241",	/* Gabon */
	"242",	/* Congo (Rep. of the) */
	"243",	/* Democratic Republic of the Congo */
	"244",	/* Angola */
	"245",	/* Guinea-Bissau */
	"246",	/* Diego Garcia */
	"247",	/* Ascension */
	"248",	/* Seychelles */
	"249",	/* Sudan */
	"250",	/* Rwanda */
	"251",	/* Ethiopia */
	"252",	/* Somalia */
	"253",	/* Djibouti */
	"254",	/* Kenya */
	"255",	/* Tanzania */
	"256",	/* Uganda */
	"257",	/* Burundi */
	"258",	/* Mozambique */
	"260",	/* Zambia */
	"261",	/* Madagascar */
	"262",	/* French Departments and Territories in the Indian Ocean */
	"263",	/* Zimbabwe */
	"264",	/* Namibia */
	"265",	/* Malawi */
	"266",	/* Lesotho */
	"267",	/* Botswana */
	"268",	/* Eswatini */
	"269",	/* Comoros */
	"27",	/* South Africa */
	"290",	/* Saint Helena, Ascension and Tristan da Cunha */
	"291",	/* Eritrea */
	"297",	/* Aruba */
	"298",	/* Faroe Islands */
	"299",	/* Greenland */
	"30",	/* Greece */
	"31",	/* Netherlands */
	"32",	/* Belgium */
	"33",	/* France */
	"34",	/* Spain */
	"350",	/* Gibraltar */
	"351",	/* Portugal */
	"352",	/* Luxembourg */
	"353",	/* Ireland */
	"354",	/* Iceland */
	"355",	/* Albania */
	"356",	/* Malta */
	"357",	/* Cyprus */
	"358",	/* Finland */
	"359",	/* Bulgaria */
	"36",	/* Hungary */
	"370",	/* Lithuania */
	"371",	/* Latvia */
	"372",	/* Estonia */
	"373",	/* Moldova */
	"374",	/* Armenia */
	"375",	/* Belarus */
	"376",	/* Andorra */
	"377",	/* Monaco */
	"378",	/* San Marino */
	"379",	/* Vatican City State (see above) */
	"380",	/* Ukraine */
	"381",	/* Serbia */
	"382",	/* Montenegro */
	"383",	/* Kosovo */
	"385",	/* Croatia */
	"386",	/* Slovenia */
	"387",	/* Bosnia and Herzegovina */
	"388",	/* Group of countries, shared code */
	"389",	/* North Macedonia */
	"39",	/* Italy, Vatican City State */
	"40",	/* Romania */
	"41",	/* Switzerland */
	"420",	/* Czech Rep. */
	"421",	/* Slovak Rep. */
	"423",	/* Liechtenstein */
	"43",	/* Austria */
	"44",	/* United Kingdom */
	"45",	/* Denmark */
	"46",	/* Sweden */
	"47",	/* Norway */
	"48",	/* Poland */
	"49",	/* Germany */
	"500",	/* Falkland Islands (Malvinas) */
	"501",	/* Belize */
	"502",	/* Guatemala */
	"503",	/* El Salvador */
	"504",	/* Honduras */
	"505",	/* Nicaragua */
	"506",	/* Costa Rica */
	"507",	/* Panama */
	"508",	/* Saint Pierre and Miquelon */
	"509",	/* Haiti */
	"51",	/* Peru */
	"52",	/* Mexico */
	"53",	/* Cuba */
	"54",	/* Argentina */
	"55",	/* Brazil */
	"56",	/* Chile */
	"57",	/* Colombia */
	"58",	/* Venezuela */
	"590",	/* Guadeloupe, Saint Barthelemy, Saint Martin */
	"591",	/* Bolivia */
	"592",	/* Guyana */
	"593",	/* Ecuador */
	"594",	/* French Guiana */
	"595",	/* Paraguay */
	"596",	/* Martinique */
	"597",	/* Suriname */
	"598",	/* Uruguay */
	"599",	/* Bonaire, Sint Eustatius and Saba; Curacao */
	"60",	/* Malaysia */
	"61",	/* Australia */
	"62",	/* Indonesia */
	"63",	/* Philippines */
	"64",	/* New Zealand */
	"65",	/* Singapore */
	"66",	/* Thailand */
	"670",	/* Timor-Leste */
	"672",	/* Australian External Territories */
	"673",	/* Brunei Darussalam */
	"674",	/* Nauru */
	"675",	/* Papua New Guinea */
	"676",	/* Tonga */
	"677",	/* Solomon Islands */
	"678",	/* Vanuatu */
	"679",	/* Fiji */
	"680",	/* Palau */
	"681",	/* Wallis and Futuna */
	"682",	/* Cook Islands */
	"683",	/* Niue */
	"685",	/* Samoa */
	"686",	/* Kiribati */
	"687",	/* New Caledonia */
	"688",	/* Tuvalu */
	"689",	/* French Polynesia */
	"690",	/* Tokelau */
	"691",	/* Micronesia */
	"692",	/* Marshall Islands */
	"7",	/* Russian Federation, Kazakhstan */
	"800",	/* International Freephone Service (UIFN) */
	"808",	/* International Shared Cost Service (ISCS) */
	"81",	/* Japan */
	"82",	/* Korea (Rep. of) */
	"84",	/* Viet Nam */
	"850",	/* Democratic People's Republic of Korea */
	"852",	/* Hong Kong, China */
	"853",	/* Macao, China */
	"855",	/* Cambodia */
	"856",	/* Lao P.D.R. */
	"86",	/* China */
	"870",	/* Inmarsat SNAC */
	"878",	/* Universal Personal Telecommunication (UPT) */
	"880",	/* Bangladesh */
	"881",	/* Global Mobile Satellite System (GMSS), shared code */
	"882",	/* International Networks, shared code */
	"883",	/* International Networks, shared code */
	"886",	/* Taiwan, China */
	"888",	/* Telecommunications for Disaster Relief (OCHA) */
	"90",	/* Turkiye */
	"91",	/* India */
	"92",	/* Pakistan */
	"93",	/* Afghanistan */
	"94",	/* Sri Lanka */
	"95",	/* Myanmar */
	"960",	/* Maldives */
	"961",	/* Lebanon */
	"962",	/* Jordan */
	"963",	/* Syrian Arab Republic */
	"964",	/* Iraq */
	"965",	/* Kuwait */
	"966",	/* Saudi Arabia */
	"967",	/* Yemen */
	"968",	/* Oman */
	"970",	/* Palestine (see above) */
	"971",	/* United Arab Emirates */
	"972",	/* Israel */
	"973",	/* Bahrain */
	"974",	/* Qatar */
	"975",	/* Bhutan */
	"976",	/* Mongolia */
	"977",	/* Nepal */
	"979",	/* International Premium Rate Service (IPRS) */
	"98",	/* Iran */
	"991",	/* Trial of a proposed new international service (ITPCS) */
	"992",	/* Tajikistan */
	"993",	/* Turkmenistan */
	"994",	/* Azerbaijan */
	"995",	/* Georgia */
	"996",	/* Kyrgyzstan */
	"998",	/* Uzbekistan */
};

static int
e164_cmp(const void *key, const void *elem)
{
	return strcmp(key, elem);
}

/* True when the `len` digits at `cc` are an assigned country calling code. */
int
cr_e164_cc_assigned(const char *cc, size_t len)
{
	char key[4];
	size_t i;

	if (cc == NULL || len == 0 || len > 3)
		return 0;
	for (i = 0; i < len; i++) {
		if (cc[i] < '0' || cc[i] > '9')
			return 0;
		key[i] = cc[i];
	}
	key[len] = '\0';
	return bsearch(key, e164_codes, sizeof e164_codes /
	    sizeof e164_codes[0], sizeof e164_codes[0], e164_cmp) != NULL;
}
