#!/usr/bin/python3
"""Writes the SYNTHETIC fixtures of the presets tests, in the official schemas (README.md).

Every name, address and person below is invented. Run: /usr/bin/python3 make_fixtures.py
"""
import json
from pathlib import Path

from pyproj import Transformer

HERE = Path(__file__).resolve().parent
BOM = "\ufeff"

# Real places of Deux-Sèvres (79), WGS 84, with their INSEE commune.
NIORT = (46.3237, -0.4588, "79191")
PARTHENAY = (46.6486, -0.2478, "79202")
BRESSUIRE = (46.8406, -0.4883, "79049")
MELLE = (46.2222, -0.1422, "79174")
THOUARS = (46.9758, -0.2153, "79329")

# Personal values planted in the RNA fixtures: none may appear in any output (test_presets.py).
PERSONAL = ["DUPONT-SECRETE", "Jeanne-Personnelle", "impasse des Confidences", "Chemin du Déclarant",
            "06 11 22 33 44", "jeanne.secrete@example.org", "Mme", "FONTAINE-PRIVEE"]


def write(name, text, encoding="utf-8"):
    (HERE / name).write_bytes(text.encode(encoding))


def basilic():
    display = ["Nom", "Adresse", "Code Postal", "Commune", "code_insee", "Type équipement ou lieu", "Domaine",
               "Identifiant deps", "Identifiant origine", "Latitude", "Longitude",
               "Nombre_fauteuils_de_cinema", "Jauge_du_theatre", "Surface_Bibliotheque"]
    rows = [
        ["Cinéma Le Moulin du Roc", "9 boulevard Main", "79000", "Niort", "79191", "Cinéma", "Cinéma",
         "BAS-0001", "CNC-7901", NIORT[0], NIORT[1], "412", "", ""],
        ["Théâtre de Parthenay", "place du Théâtre", "79200", "Parthenay", "79202,79003", "Théâtre", "Spectacle vivant",
         "BAS-0002", "ART-7902", PARTHENAY[0], PARTHENAY[1], "", "350", ""],
        ["Médiathèque de Bressuire", "rue des Livres", "79300", "Bressuire", "79049", "Bibliothèque", "",
         "BAS-0003", "", BRESSUIRE[0], BRESSUIRE[1], "", "", "1 250,5"],
        ["Kiosque à musique de Melle", "place du Kiosque", "79500", "Melle", "79174", "Kiosque", "Musique",
         "BAS-0004", "", MELLE[0], MELLE[1], "", "", ""],
        # Outside Deux-Sèvres (Paris): dropped, and its unknown type is not reported.
        ["Kiosque du Palais-Royal", "jardin du Palais-Royal", "75001", "Paris", "75101", "Kiosque à journaux", "",
         "BAS-0005", "", 48.8650, 2.3375, "", "", ""],
    ]
    def csv(header, rows):
        return "\r\n".join(";".join(str(v) for v in r) for r in [header] + rows) + "\r\n"
    write("basilic-affichage.csv", BOM + csv(display, rows))
    export = ["nom", "adresse", "code_postal", "commune", "code_insee", "type_equipement_ou_lieu", "domaine",
              "identifiant_deps", "identifiant_origine", "latitude", "longitude",
              "nombre_fauteuils_de_cinema", "jauge_du_theatre", "surface_bibliotheque"]
    write("basilic-export.csv", BOM + csv(export, rows))


WALDEC = ("id;id_ex;siret;rup_mi;gestion;date_creat;date_decla;date_publi;date_disso;nature;groupement;titre;"
          "titre_court;objet;objet_social1;objet_social2;adrs_complement;adrs_numvoie;adrs_repetition;adrs_typevoie;"
          "adrs_libvoie;adrs_distrib;adrs_codeinsee;adrs_codepostal;adrs_libcommune;adrg_declarant;adrg_complemid;"
          "adrg_complemgeo;adrg_libvoie;adrg_distrib;adrg_codepostal;adrg_achemine;adrg_pays;dir_civilite;siteweb;"
          "publiweb;observation;position;maj_time").split(";")


def rna_waldec():
    assert len(WALDEC) == 39
    def row(**v):
        return [v.get(c, "") for c in WALDEC]
    declarant = dict(adrg_declarant="DUPONT-SECRETE Jeanne-Personnelle", adrg_complemid="Bâtiment B",
                     adrg_libvoie="12 impasse des Confidences", adrg_codepostal="79000", adrg_achemine="NIORT",
                     adrg_pays="FRANCE", dir_civilite="Mme")
    rows = [
        row(id="W792000001", siret="12345678900011", gestion="792P", date_creat="2001-03-04", nature="D",
            groupement="S", titre="CHORALE DES DEUX RIVIÈRES", objet="Pratique du chant choral ; concerts",
            objet_social1="006030", objet_social2="009030", adrs_numvoie="5", adrs_typevoie="RUE",
            adrs_libvoie="Victor Hugo", adrs_codeinsee="79191", adrs_codepostal="79000", adrs_libcommune="Niort",
            position="A", maj_time="2023-05-06 10:00:00", **declarant),
        row(id="W792000002", gestion="792P", date_creat="2010-09-01", nature="D", groupement="S",
            titre="THÉÂTRE DU PUITS", objet="Créer et diffuser des spectacles ;\nateliers de théâtre\n« amateurs ; professionnels »",
            objet_social1="006070", adrs_numvoie="3", adrs_repetition="B", adrs_typevoie="AV",
            adrs_libvoie="de Paris", adrs_codeinsee="79202", adrs_codepostal="79200", adrs_libcommune="Parthenay",
            position="A", maj_time="2022-01-02 09:00:00", adrg_declarant="FONTAINE-PRIVEE Paul",
            adrg_libvoie="Chemin du Déclarant", dir_civilite="M"),
        row(id="W792000003", gestion="792P", date_creat="1990-01-01", date_disso="2015-06-30", nature="D",
            groupement="S", titre="ANCIEN CLUB DISSOUS", objet="Club dissous", objet_social1="011180",
            adrs_libvoie="du Stade", adrs_codeinsee="79049", adrs_codepostal="79300", adrs_libcommune="Bressuire",
            position="D", maj_time="2015-07-01 00:00:00", **declarant),
        row(id="W792000004", gestion="792P", date_creat="2018-02-02", nature="D", groupement="S",
            titre="SOCIÉTÉ D'HISTOIRE DU MELLOIS", objet="Études historiques", objet_social1="010015",
            adrs_libvoie="de la Mairie", adrs_typevoie="PL", adrs_codeinsee="79174", adrs_codepostal="79500",
            adrs_libcommune="Melle", position="A", maj_time="2023-01-01 00:00:00"),
        row(id="W792000005", gestion="792P", date_creat="2019-02-02", nature="D", groupement="S",
            titre="ASSOCIATION AU CODE INCONNU", objet="Objet", objet_social1="999999",
            adrs_libvoie="Nationale", adrs_typevoie="RTE", adrs_codeinsee="79329", adrs_codepostal="79100",
            adrs_libcommune="Thouars", position="A", maj_time="2023-01-01 00:00:00"),
    ]
    def field(v):
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ';"\n') else v
    text = "\r\n".join(";".join(field(v) for v in r) for r in [WALDEC] + rows) + "\r\n"
    write("rna_waldec_79.csv", text, "iso-8859-1")


IMPORT = ("id;id_ex;siret;gestion;date_creat;date_publi;nature;groupement;titre;objet;objet_social1;objet_social2;"
          "adr1;adr2;adr3;adrs_codepostal;libcom;adrs_codeinsee;dir_civilite;telephone;siteweb;email;observation;"
          "position;rup_mi;maj_time").split(";")


def rna_import():
    def row(**v):
        return [v.get(c, "") for c in IMPORT]
    rows = [
        row(id="W792100001", id_ex="792P00100", titre="BIBLIOTHÈQUE POUR TOUS", objet="Prêt de livres",
            objet_social1="006005", adr1="Mairie", adr2="1 place de l'Hôtel de Ville", adrs_codepostal="79000",
            libcom="NIORT", dir_civilite="Mme", telephone="06 11 22 33 44", email="jeanne.secrete@example.org",
            position="A", maj_time="2009-01-01"),
        row(id="W792100002", id_ex="792P00200", titre="FOYER RURAL ANCIEN", objet="Animation",
            objet_social1="009035", adr1="Le Bourg", adrs_codepostal="79500", libcom="MELLE", position="S",
            maj_time="2009-01-01"),
    ]
    text = BOM + "\n".join(";".join(r) for r in [IMPORT] + rows) + "\n"
    write("rna_import_79.csv", text)


def bpe():
    to93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    to_l2 = Transformer.from_crs("EPSG:4326", "EPSG:27572", always_xy=True)
    header = ["AN", "DEPCOM", "DCIRIS", "DOM", "SDOM", "TYPEQU", "LAMBERT_X", "LAMBERT_Y", "QUALITE_XY", "EPSG"]
    rows = []
    for (lat, lon, code), typequ, quality, epsg in [
        (NIORT, "F303", "Bonne", "2154"), (PARTHENAY, "F313", "Acceptable", "2154"),
        (BRESSUIRE, "F307", "Mauvaise", "2154"), (MELLE, "F399", "Bonne", "2154"),
        (THOUARS, "F314", "Bonne", "27572")]:
        x, y = (to93 if epsg == "2154" else to_l2).transform(lon, lat)
        rows.append(["2023", code, code + "0000", "F", "F3", typequ, f"{x:.1f}", f"{y:.1f}", quality, epsg])
    text = "\n".join(";".join(r) for r in [header] + rows) + "\n"
    write("bpe_79.csv", text)


def iris():
    # Two square IRIS in Ain (01), CODE_IRIS written as JSON numbers: GDAL types them as integers and
    # the leading zero is lost (10040101); the preset gives back "010040101".
    def square(x0, y0):
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + 0.01, y0], [x0 + 0.01, y0 + 0.01],
                                                     [x0, y0 + 0.01], [x0, y0]]]}
    features = [
        {"type": "Feature", "properties": {"INSEE_COM": 1004, "CODE_IRIS": 10040101, "NOM_IRIS": "Centre",
                                           "TYP_IRIS": "H"}, "geometry": square(5.35, 45.95)},
        {"type": "Feature", "properties": {"INSEE_COM": 1004, "CODE_IRIS": 10040102, "NOM_IRIS": "Gare",
                                           "TYP_IRIS": "H"}, "geometry": square(5.36, 45.95)},
    ]
    write("iris_01.geojson", json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))


if __name__ == "__main__":
    basilic()
    rna_waldec()
    rna_import()
    bpe()
    iris()
