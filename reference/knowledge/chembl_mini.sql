-- A ChEMBL-shaped SQLite fixture (tables and columns as in the ChEMBL schema:
-- activities, assays, molecule_dictionary, target_dictionary, docs).
-- Build: sqlite3 chembl_mini.db < chembl_mini.sql  (the tests build it with Python's sqlite3).
-- Values are illustrative (the pchembl_value column is -log10 of standard_value in M,
-- rounded to 2 decimals as ChEMBL does); they are not real ChEMBL records.
CREATE TABLE molecule_dictionary (molregno INTEGER PRIMARY KEY, pref_name TEXT, chembl_id TEXT);
CREATE TABLE target_dictionary (tid INTEGER PRIMARY KEY, target_type TEXT, pref_name TEXT,
  organism TEXT, chembl_id TEXT);
CREATE TABLE assays (assay_id INTEGER PRIMARY KEY, doc_id INTEGER, description TEXT,
  assay_type TEXT, assay_organism TEXT, tid INTEGER, confidence_score INTEGER, chembl_id TEXT);
CREATE TABLE docs (doc_id INTEGER PRIMARY KEY, chembl_id TEXT, pubmed_id INTEGER, doi TEXT,
  journal TEXT, year INTEGER);
CREATE TABLE activities (activity_id INTEGER PRIMARY KEY, assay_id INTEGER, doc_id INTEGER,
  molregno INTEGER, standard_relation TEXT, standard_value REAL, standard_units TEXT,
  standard_flag INTEGER, standard_type TEXT, activity_comment TEXT, pchembl_value REAL);
INSERT INTO molecule_dictionary VALUES (1, 'BUSPIRONE', 'CHEMBL49'), (2, 'SEROTONIN', 'CHEMBL39');
INSERT INTO target_dictionary VALUES
  (10, 'SINGLE PROTEIN', 'Serotonin 1a (5-HT1a) receptor', 'Homo sapiens', 'CHEMBL214'),
  (11, 'SINGLE PROTEIN', 'Dopamine D2 receptor', 'Rattus norvegicus', 'CHEMBL217');
INSERT INTO docs VALUES (500, 'CHEMBL1123456', 8501234, '10.1000/example.1990', 'J Med Chem', 1990);
INSERT INTO assays VALUES
  (100, 500, 'Displacement of [3H]8-OH-DPAT from human 5-HT1A receptor', 'B', 'Homo sapiens', 10, 9, 'CHEMBL600001'),
  (101, NULL, 'Displacement of [3H]spiperone from rat striatal D2 receptor', 'B', NULL, 11, 8, 'CHEMBL600002');
INSERT INTO activities VALUES
  (1000, 100, 500, 1, '=', 15.0, 'nM', 1, 'Ki', NULL, 7.82),
  (1001, 100, 500, 2, '=', 3.2, 'nM', 1, 'Ki', NULL, 8.49),
  (1002, 101, NULL, 1, '>', 10000.0, 'nM', 1, 'IC50', NULL, NULL),
  (1003, 101, NULL, 1, '=', 45.0, '%', 1, 'Inhibition', NULL, NULL),
  (1004, 100, 500, 1, NULL, NULL, 'nM', 0, 'Ki', 'Not Active', NULL),
  (1005, 100, 500, 1, '=', 2.0, 'ug.mL-1', 1, 'Ki', NULL, NULL);
