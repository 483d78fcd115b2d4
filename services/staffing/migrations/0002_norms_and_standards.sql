-- The regulations in force, as data: a new circular is a new row (with
-- CreateNorm / CreateTrainingStandard), never a code change.

-- Training standard, Law on Education 2019 (Luật Giáo dục số 43/2019/QH14),
-- article 72, in force from 1 July 2020: a college degree for preschool
-- teachers, a bachelor's degree for primary and secondary teachers.
INSERT INTO training_standards (level, minimum, valid_from, source) VALUES
  ('MN',   'COLLEGE',  '2020-07-01', 'Luật Giáo dục 2019, Điều 72'),
  ('TH',   'BACHELOR', '2020-07-01', 'Luật Giáo dục 2019, Điều 72'),
  ('THCS', 'BACHELOR', '2020-07-01', 'Luật Giáo dục 2019, Điều 72'),
  ('THPT', 'BACHELOR', '2020-07-01', 'Luật Giáo dục 2019, Điều 72');

-- Teachers per class. Preschool: Thông tư liên tịch 06/2015/TTLT-BGDĐT-BNV
-- (nhà trẻ 2.50 per group; mẫu giáo 2.20 per class all day, 1.20 half
-- day). General education: Thông tư 20/2023/TT-BGDĐT (primary 1.20 one
-- session, 1.50 two sessions; lower secondary 1.90; upper secondary 2.25).
-- Pupils per class: Điều lệ trường mầm non (25 nhà trẻ, 35 mẫu giáo),
-- Thông tư 28/2020 (primary 35), Thông tư 32/2020 (secondary 45).
INSERT INTO norms (level, grade, sessions_per_day, subject, per_class_milli,
                   max_pupils, valid_from, source) VALUES
  ('MN', 'NT', 0, '', 2500, 25, '2015-04-30', 'Thông tư liên tịch 06/2015/TTLT-BGDĐT-BNV'),
  ('MN', 'MG', 2, '', 2200, 35, '2015-04-30', 'Thông tư liên tịch 06/2015/TTLT-BGDĐT-BNV'),
  ('MN', 'MG', 1, '', 1200, 35, '2015-04-30', 'Thông tư liên tịch 06/2015/TTLT-BGDĐT-BNV'),
  ('TH', '', 1, '', 1200, 35, '2023-12-16', 'Thông tư 20/2023/TT-BGDĐT'),
  ('TH', '', 2, '', 1500, 35, '2023-12-16', 'Thông tư 20/2023/TT-BGDĐT'),
  ('THCS', '', 0, '', 1900, 45, '2023-12-16', 'Thông tư 20/2023/TT-BGDĐT'),
  ('THPT', '', 0, '', 2250, 45, '2023-12-16', 'Thông tư 20/2023/TT-BGDĐT');

-- Subject norms: weekly periods per class in the 2018 programme divided by
-- a teacher's weekly load (19 periods lower secondary, 17 upper), the
-- way the staffing division computes them (illustrative; replace with the
-- division's own table).
INSERT INTO norms (level, grade, sessions_per_day, subject, per_class_milli,
                   max_pupils, valid_from, source) VALUES
  ('THCS', '', 0, 'toan',      211, 0, '2023-12-16', 'Chương trình GDPT 2018: 4 tiết/tuần ÷ 19'),
  ('THCS', '', 0, 'ngu-van',   211, 0, '2023-12-16', 'Chương trình GDPT 2018: 4 tiết/tuần ÷ 19'),
  ('THCS', '', 0, 'tieng-anh', 158, 0, '2023-12-16', 'Chương trình GDPT 2018: 3 tiết/tuần ÷ 19'),
  ('THPT', '', 0, 'toan',      176, 0, '2023-12-16', 'Chương trình GDPT 2018: 3 tiết/tuần ÷ 17'),
  ('THPT', '', 0, 'ngu-van',   176, 0, '2023-12-16', 'Chương trình GDPT 2018: 3 tiết/tuần ÷ 17'),
  ('THPT', '', 0, 'tieng-anh', 176, 0, '2023-12-16', 'Chương trình GDPT 2018: 3 tiết/tuần ÷ 17');
