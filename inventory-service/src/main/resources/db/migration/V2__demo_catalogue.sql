-- A small demo catalogue so a fresh stack can take orders straight away.
insert into item (sku, name, available) values
    ('SKU-RED-MUG',         'Red Ceramic Mug 350 ml',   100),
    ('SKU-FRENCH-PRESS',    'French Press 1 l',         100),
    ('SKU-CHEF-KNIFE',      'Chef''s Knife 20 cm',      100),
    ('SKU-CAST-IRON-PAN',   'Cast Iron Skillet 26 cm',  100),
    ('SKU-PEPPER-MILL',     'Oak Pepper Mill',          100),
    ('SKU-LINEN-TEA-TOWEL', 'Linen Tea Towel',          100);
