"""Typical units of an agency and which indicators each one usually owns (demo data, plausible not official)."""

from __future__ import annotations

REGION_UNITS = {
    "kominfo": "Dinas Komunikasi dan Informatika",
    "bappeda": "Badan Perencanaan Pembangunan Daerah",
    "keuangan": "Badan Pengelolaan Keuangan dan Aset Daerah",
    "sdm": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "organisasi": "Bagian Organisasi Sekretariat Daerah",
    "hukum": "Bagian Hukum Sekretariat Daerah",
    "pengadaan": "Bagian Pengadaan Barang dan Jasa Sekretariat Daerah",
    "arsip": "Dinas Perpustakaan dan Kearsipan",
    "pengawasan": "Inspektorat Daerah",
    "layanan": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
}
CENTRAL_UNITS = {
    "kominfo": "Pusat Data dan Teknologi Informasi",
    "bappeda": "Biro Perencanaan",
    "keuangan": "Biro Keuangan dan Barang Milik Negara",
    "sdm": "Biro Sumber Daya Manusia",
    "organisasi": "Biro Organisasi dan Tata Laksana",
    "hukum": "Biro Hukum",
    "pengadaan": "Biro Pengadaan",
    "arsip": "Biro Umum",
    "pengawasan": "Inspektorat Jenderal",
    "layanan": "Biro Hubungan Masyarakat",
}
# SPBE 2020 indicator → unit key (policies to law/organisation, plans to planning, services to their owners).
OWNER_2020 = {
    **{n: "hukum" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)},
    11: "kominfo",
    12: "kominfo",
    13: "bappeda",
    14: "organisasi",
    15: "kominfo",
    16: "kominfo",
    17: "kominfo",
    18: "kominfo",
    19: "organisasi",
    20: "kominfo",
    21: "pengawasan",
    22: "kominfo",
    23: "kominfo",
    24: "keuangan",
    25: "sdm",
    26: "organisasi",
    27: "organisasi",
    28: "kominfo",
    29: "pengawasan",
    30: "pengawasan",
    31: "pengawasan",
    32: "bappeda",
    33: "keuangan",
    34: "keuangan",
    35: "pengadaan",
    36: "sdm",
    37: "arsip",
    38: "keuangan",
    39: "pengawasan",
    40: "organisasi",
    41: "sdm",
    42: "layanan",
    43: "kominfo",
    44: "hukum",
    45: "layanan",
    46: "layanan",
    47: "layanan",
}
CONTRIBUTORS_2020 = {n: ["kominfo"] for n in range(1, 11)} | {12: ["bappeda"], 13: ["keuangan"]}

GENERAL_QUESTIONS = [
    "Sebutkan layanan digital yang mendukung Reformasi Birokrasi Tematik di instansi Anda beserta tautannya.",
    "Jelaskan rencana integrasi aplikasi dan layanan instansi Anda dengan layanan SPBE nasional "
    "dalam dua tahun ke depan.",
    "Sebutkan layanan inti (core services) instansi yang telah didukung SPBE dan tingkat penggunaannya.",
    "Bagaimana Arsitektur SPBE instansi dimanfaatkan dalam perencanaan dan penganggaran tahun berjalan?",
]
