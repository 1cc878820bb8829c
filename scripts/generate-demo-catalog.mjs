#!/usr/bin/env node
// Writes shared/demo/catalog.json: 2,000 invented products of a general grocery / convenience store.
//
//   node scripts/generate-demo-catalog.mjs            writes the file
//   node scripts/generate-demo-catalog.mjs --stdout   prints the same JSON instead
//
// Deterministic: a seeded PRNG (mulberry32), no Math.random, no clock, no locale-dependent sorting,
// so every run produces byte-identical output. Brand names are invented.
//
// Format (fixed by the catalog import contract, see shared/catalog.ts):
//   {"products":[
//   {"sku":"SKU-000001","barcodes":["..."],"name":"...","price":129,"taxClass":"reduced"},
//   {"sku":"SKU-000003",...,"taxClass":"reduced","priceByLabel":true},   (weighed or labelled in the store)
//   ...
//   ]}
// one product per line, followed by a newline.

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PRODUCT_COUNT = 2000;
const SECOND_BARCODE_SHARE = 0.05;
const SEED = 0x4b415353; // "KASS"

// ---------------------------------------------------------------------------------------------
// PRNG and helpers
// ---------------------------------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = mulberry32(SEED);
const randInt = (min, max) => min + Math.floor(rand() * (max - min + 1)); // inclusive
const pick = (list) => list[Math.floor(rand() * list.length)];

function shuffle(list) {
  const a = list.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Code-unit comparison: unlike localeCompare it does not depend on the ICU build. */
const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** EAN-13 check digit: weights 1,3,1,3,… over the first 12 digits. */
function ean13CheckDigit(first12) {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/** A shelf price in minor units: mostly ends in 9, sometimes 5, now and then a round 0. */
function shelfPrice(raw) {
  const r = rand();
  const ending = r < 0.86 ? 9 : r < 0.96 ? 5 : 0;
  const tens = Math.max(0, Math.round((raw - ending) / 10));
  const price = tens * 10 + ending;
  return price > 0 ? price : 9;
}

// ---------------------------------------------------------------------------------------------
// The assortment
//
// A category has a default tax class, brands and items. An item has a type (with an optional
// "{v}" where the variant goes; otherwise the variant is put in front), variants (a string, or
// [name, price multiplier]) and sizes ([label, min, max] in cents, or [label, exact price]).
// Name = brand + variant/type + size. Items may name their own brands and tax class.
// ---------------------------------------------------------------------------------------------

const CATEGORIES = [
  {
    name: 'produce',
    weight: 150,
    tax: 'reduced',
    byLabel: true,
    brands: ['Greenhollow', 'Fieldstone Farms', 'Brookmeadow', 'Sunvale Orchards'],
    items: [
      { type: 'Bananas', variants: ['', ['Organic', 1.35], ['Fairtrade', 1.15]], sizes: [['1 kg', 139, 219], ['5 pcs', 119, 189]] },
      { type: 'Apples', variants: ['Gala', 'Braeburn', 'Granny Smith', 'Jonagold', 'Elstar', 'Red Delicious', ['Organic Gala', 1.35]], sizes: [['1 kg', 199, 329], ['6 pcs', 219, 349]] },
      { type: 'Pears', variants: ['Conference', 'Williams', 'Comice'], sizes: [['1 kg', 219, 349], ['4 pcs', 179, 279]] },
      { type: 'Oranges', variants: ['Navel', 'Blood', 'Juicing'], sizes: [['1 kg', 189, 299], ['2 kg', 349, 499]] },
      { type: 'Easy Peeler Clementines', variants: [''], sizes: [['600 g', 179, 279], ['1 kg', 279, 399]] },
      { type: 'Lemons', variants: ['', 'Unwaxed'], sizes: [['4 pcs', 99, 169], ['500 g', 129, 199]] },
      { type: 'Limes', variants: [''], sizes: [['4 pcs', 99, 169]] },
      { type: 'Grapes', variants: ['Green Seedless', 'Red Seedless', 'Black Seedless'], sizes: [['500 g', 199, 349], ['1 kg', 379, 599]] },
      { type: 'Strawberries', variants: [''], sizes: [['250 g', 149, 279], ['400 g', 199, 399]] },
      { type: 'Blueberries', variants: [''], sizes: [['125 g', 149, 249], ['300 g', 299, 449]] },
      { type: 'Raspberries', variants: [''], sizes: [['150 g', 199, 329]] },
      { type: 'Tomatoes', variants: ['Vine', 'Cherry', 'Plum', 'Salad', 'Baby Plum', 'Beef'], sizes: [['250 g', 99, 199], ['500 g', 149, 269]] },
      { type: 'Potatoes', variants: ['White', 'Baby', 'Sweet', 'Red', 'Baking'], sizes: [['1 kg', 109, 199], ['2.5 kg', 199, 349]] },
      { type: 'Onions', variants: ['Brown', 'Red', 'Spring'], sizes: [['1 kg', 89, 169], ['500 g', 59, 109]] },
      { type: 'Carrots', variants: ['', 'Organic'], sizes: [['1 kg', 69, 139], ['500 g', 49, 89]] },
      { type: 'Cucumber', variants: [''], sizes: [['1 pc', 49, 99]] },
      { type: 'Peppers', variants: ['Mixed', 'Red', 'Yellow', 'Green'], sizes: [['3 pcs', 179, 279]] },
      { type: 'Broccoli', variants: [''], sizes: [['350 g', 89, 159]] },
      { type: 'Cauliflower', variants: [''], sizes: [['1 pc', 129, 219]] },
      { type: 'Courgettes', variants: [''], sizes: [['500 g', 119, 199]] },
      { type: 'Lettuce', variants: ['Iceberg', 'Romaine', 'Little Gem'], sizes: [['1 pc', 69, 139]] },
      { type: 'Salad', variants: ['Mixed Leaf', 'Baby Spinach', 'Rocket', 'Crispy Leaf'], sizes: [['100 g', 89, 169], ['200 g', 149, 249]] },
      { type: 'Mushrooms', variants: ['White', 'Chestnut', 'Portobello'], sizes: [['250 g', 99, 179], ['400 g', 149, 249]] },
      { type: 'Garlic', variants: [''], sizes: [['3 pcs', 69, 129]] },
      { type: 'Fresh Ginger', variants: [''], sizes: [['150 g', 79, 139]] },
      { type: 'Avocados', variants: ['', 'Ripe & Ready'], sizes: [['2 pcs', 169, 299]] },
      { type: 'Fresh {v}', variants: ['Basil', 'Parsley', 'Coriander', 'Mint', 'Chives'], sizes: [['30 g', 79, 129]] },
      { type: 'Mango', variants: [''], sizes: [['1 pc', 99, 179]] },
      { type: 'Pineapple', variants: [''], sizes: [['1 pc', 149, 249]] },
      { type: 'Green Beans', variants: [''], sizes: [['200 g', 119, 189]] },
    ],
  },
  {
    name: 'dairy',
    weight: 180,
    tax: 'reduced',
    brands: ['Meadowmere', 'Hollybrook', 'Cloverstead', 'Northfold Dairy', 'Ashgrove Creamery'],
    items: [
      { type: 'Milk', variants: ['Whole', 'Semi-Skimmed', 'Skimmed', ['Lactose-Free Whole', 1.35], ['Organic Whole', 1.3]], sizes: [['1 L', 119, 189], ['2 L', 219, 319], ['500 ml', 69, 109]] },
      { type: 'Butter', variants: ['Salted', 'Unsalted', 'Spreadable'], sizes: [['250 g', 189, 299], ['500 g', 359, 549]] },
      { type: 'Yogurt', variants: ['Natural', 'Greek Style', 'Strawberry', 'Vanilla', 'Blueberry', 'Peach', 'Cherry'], sizes: [['150 g', 49, 99], ['500 g', 129, 249], ['4 x 125 g', 149, 249]] },
      { type: 'Cheese', variants: ['Mild Cheddar', 'Mature Cheddar', 'Gouda', 'Emmental', 'Edam', 'Red Leicester'], sizes: [['200 g', 199, 349], ['400 g', 379, 599]] },
      { type: 'Mozzarella', variants: ['', 'Light'], sizes: [['125 g', 89, 159]] },
      { type: 'Grated Hard Cheese', variants: [''], sizes: [['100 g', 199, 329]] },
      { type: 'Feta-Style Cheese', variants: [''], sizes: [['200 g', 169, 279]] },
      { type: 'Cream', variants: ['Single', 'Double', 'Whipping', 'Sour'], sizes: [['200 ml', 89, 149], ['300 ml', 129, 199]] },
      { type: 'Eggs', variants: ['Free Range Large', 'Free Range Medium', 'Barn Large', ['Organic Large', 1.3]], sizes: [['6 pcs', 169, 279], ['10 pcs', 249, 399], ['12 pcs', 299, 449]] },
      { type: 'Cottage Cheese', variants: ['', 'Chive'], sizes: [['250 g', 109, 179]] },
      { type: 'Cream Cheese', variants: ['Original', 'Light', 'Garlic & Herb'], sizes: [['200 g', 119, 199]] },
      { type: 'Quark', variants: ['Low Fat', 'Full Fat'], sizes: [['250 g', 59, 109], ['500 g', 99, 169]] },
      { type: 'Buttermilk', variants: [''], sizes: [['500 ml', 69, 119]] },
      { type: 'Kefir', variants: ['', 'Mango'], sizes: [['500 ml', 149, 229]] },
      { type: '{v} Milk Drink', variants: ['Chocolate', 'Strawberry', 'Banana'], sizes: [['500 ml', 99, 159], ['1 L', 159, 239]] },
      { type: '{v} Pudding', variants: ['Chocolate', 'Vanilla', 'Rice'], sizes: [['4 x 125 g', 149, 229]] },
      { type: '{v} Drink', variants: ['Oat', 'Barista Oat', 'Almond', 'Soy', 'Coconut'], brands: ['Oatlands', 'Plantwise'], sizes: [['1 L', 139, 249]] },
    ],
  },
  {
    name: 'bakery',
    weight: 110,
    tax: 'reduced',
    brands: ['Sunmill Bakery', 'Hearthstone', 'Goldcrust', 'Oakwheel'],
    items: [
      { type: 'Loaf', variants: ['White Sandwich', 'Wholemeal', 'Sourdough', 'Multigrain', 'Rye', 'Spelt', 'Seeded Farmhouse'], sizes: [['400 g', 99, 189], ['800 g', 149, 349]] },
      { type: 'Rolls', variants: ['White', 'Wholemeal', 'Brioche', 'Seeded', 'Ciabatta'], sizes: [['4 pcs', 99, 189], ['6 pcs', 139, 249]] },
      { type: 'Baguette', variants: ['Classic', 'Part-Baked', 'Wholegrain'], sizes: [['250 g', 79, 159], ['2 x 150 g', 119, 189]] },
      { type: 'Croissants', variants: ['Butter', 'Chocolate', 'Almond'], sizes: [['4 pcs', 199, 329]] },
      { type: 'Bagels', variants: ['Plain', 'Sesame', 'Cinnamon Raisin', 'Multiseed'], sizes: [['5 pcs', 169, 279]] },
      { type: 'Tortilla Wraps', variants: ['Plain', 'Wholemeal', 'Spinach'], sizes: [['8 pcs', 139, 249]] },
      { type: 'Muffins', variants: ['Blueberry', 'Chocolate Chip', 'Lemon Poppy Seed'], sizes: [['4 pcs', 219, 349]] },
      { type: 'Cake', variants: ['Marble', 'Lemon Drizzle', 'Carrot', 'Chocolate Fudge', 'Victoria Sponge'], sizes: [['400 g', 249, 449]] },
      { type: 'Pitta Bread', variants: ['White', 'Wholemeal'], sizes: [['6 pcs', 89, 169]] },
      { type: 'Crumpets', variants: [''], sizes: [['6 pcs', 89, 149]] },
      { type: 'Pancakes', variants: ['', 'Scotch'], sizes: [['6 pcs', 119, 199]] },
      { type: 'Cinnamon Buns', variants: [''], sizes: [['4 pcs', 229, 349]] },
      { type: 'Naan Breads', variants: ['Plain', 'Garlic & Coriander'], sizes: [['2 pcs', 109, 179]] },
    ],
  },
  {
    name: 'meat and fish',
    weight: 95,
    tax: 'reduced',
    byLabel: true,
    brands: ['Highmoor Butchers', 'Rolling Acre', 'Ferncombe Farm'],
    items: [
      { type: 'Chicken {v}', variants: ['Breast Fillets', 'Thighs', 'Drumsticks', 'Wings', 'Mini Fillets'], sizes: [['400 g', 299, 549], ['1 kg', 649, 1099]] },
      { type: 'Whole Chicken', variants: ['', 'Free Range'], sizes: [['1.4 kg', 449, 799]] },
      { type: 'Beef Mince', variants: ['5% Fat', '12% Fat', '20% Fat'], sizes: [['500 g', 349, 599]] },
      { type: 'Beef {v} Steak', variants: ['Sirloin', 'Ribeye', 'Rump'], sizes: [['250 g', 449, 899]] },
      { type: 'Pork {v}', variants: ['Chops', 'Loin Steaks', 'Belly Slices', 'Mince'], sizes: [['500 g', 299, 549]] },
      { type: 'Sausages', variants: ['Pork', 'Chicken', 'Beef', 'Pork & Herb'], sizes: [['6 pcs', 229, 379], ['12 pcs', 399, 649]] },
      { type: 'Bacon', variants: ['Smoked Back', 'Unsmoked Back', 'Smoked Streaky'], sizes: [['200 g', 199, 329], ['300 g', 279, 449]] },
      { type: 'Ham Slices', variants: ['Cooked', 'Honey Roast', 'Smoked'], sizes: [['120 g', 149, 259]] },
      { type: 'Sliced Salami', variants: ['Milano-Style', 'Peppered'], sizes: [['100 g', 179, 299]] },
      { type: 'Sliced {v}', variants: ['Turkey Breast', 'Chicken Breast', 'Roast Beef'], sizes: [['100 g', 179, 299]] },
      { type: '{v}', variants: ['Salmon Fillets', 'Cod Fillets', 'Haddock Fillets', 'Tuna Steaks'], brands: ['Coastline Catch', 'Harbourlight'], sizes: [['2 pcs', 399, 699]] },
      { type: '{v}', variants: ['Smoked Salmon', 'Cooked King Prawns', 'Smoked Mackerel Fillets'], brands: ['Coastline Catch', 'Harbourlight'], sizes: [['100 g', 249, 449], ['200 g', 449, 799]] },
    ],
  },
  {
    name: 'chilled deli',
    weight: 75,
    tax: 'reduced',
    byLabel: true,
    brands: ['Larder & Co', 'Tablewell', 'Vinecroft Kitchen'],
    items: [
      { type: 'Hummus', variants: ['Classic', 'Red Pepper', 'Caramelised Onion', 'Lemon & Coriander'], sizes: [['200 g', 99, 189]] },
      { type: 'Fresh {v}', variants: ['Tagliatelle', 'Spinach & Ricotta Tortelloni', 'Potato Gnocchi', 'Mushroom Ravioli'], sizes: [['300 g', 179, 329]] },
      { type: '{v}', variants: ['Beef Lasagne', 'Chicken Tikka Masala', 'Macaroni Cheese', 'Cottage Pie', 'Spaghetti Bolognese', 'Vegetable Curry'], sizes: [['400 g', 299, 499]] },
      { type: 'Fresh {v} Soup', variants: ['Tomato & Basil', 'Chicken & Vegetable', 'Red Lentil', 'Pea & Mint', 'Butternut Squash'], sizes: [['600 g', 199, 329]] },
      { type: 'Stonebaked {v} Pizza', variants: ['Margherita', 'Pepperoni', 'Ham & Mushroom'], sizes: [['350 g', 249, 399]] },
      { type: '{v} Sandwich', variants: ['Egg Mayo', 'Chicken Salad', 'Cheese & Pickle', 'Tuna & Sweetcorn', 'BLT'], sizes: [['1 pc', 219, 349]] },
      { type: '{v}', variants: ['Coleslaw', 'Potato Salad', 'Pasta Salad'], sizes: [['300 g', 89, 179]] },
      { type: '{v} Olives', variants: ['Green', 'Black', 'Garlic & Herb'], sizes: [['150 g', 149, 249]] },
      { type: 'Tofu', variants: ['Firm', 'Smoked'], sizes: [['280 g', 169, 249]] },
      { type: 'Guacamole', variants: [''], sizes: [['150 g', 149, 229]] },
    ],
  },
  {
    name: 'pantry',
    weight: 280,
    tax: 'reduced',
    brands: ['Harvest Pantry', 'Redhill Kitchen'],
    items: [
      { type: '{v}', variants: ['Spaghetti', 'Penne', 'Fusilli', 'Farfalle', 'Linguine', 'Rigatoni', 'Macaroni', 'Conchiglie', ['Wholewheat Spaghetti', 1.15], ['Wholewheat Penne', 1.15]], brands: ['Casa Morello', 'Trattoria Lenzi', 'Harvest Pantry'], sizes: [['500 g', 79, 179], ['1 kg', 149, 299]] },
      { type: '{v} Rice', variants: ['Long Grain', 'Basmati', 'Jasmine', 'Arborio Risotto', 'Brown', 'Wild & Long Grain'], brands: ['Ricemoor', 'Harvest Pantry'], sizes: [['500 g', 99, 199], ['1 kg', 149, 329]] },
      { type: 'Microwave {v} Rice', variants: ['Basmati', 'Pilau', 'Egg Fried', 'Mexican-Style'], brands: ['Ricemoor'], sizes: [['250 g', 109, 169]] },
      { type: '{v}', variants: ['Couscous', 'Quinoa', 'Red Lentils', 'Green Lentils', 'Pearl Barley', 'Bulgur Wheat'], sizes: [['500 g', 119, 279]] },
      { type: '{v}', variants: ['Chopped Tomatoes', 'Chopped Tomatoes with Garlic', 'Whole Peeled Tomatoes'], sizes: [['400 g', 49, 99], ['4 x 400 g', 199, 349]] },
      { type: '{v}', variants: ['Passata', 'Tomato Puree'], sizes: [['500 g', 69, 129], ['200 g', 49, 99]] },
      { type: 'Baked Beans in Tomato Sauce', variants: [''], sizes: [['415 g', 59, 119], ['4 x 415 g', 229, 399]] },
      { type: '{v}', variants: ['Kidney Beans', 'Chickpeas', 'Black Beans', 'Butter Beans', 'Cannellini Beans', 'Mixed Beans'], sizes: [['400 g', 59, 109]] },
      { type: '{v}', variants: ['Sweetcorn', 'Garden Peas', 'Sliced Carrots', 'New Potatoes'], sizes: [['340 g', 49, 109]] },
      { type: 'Tuna Chunks in {v}', variants: ['Brine', 'Sunflower Oil', 'Spring Water'], brands: ['Tidewell', 'Coastline Catch'], sizes: [['145 g', 99, 179], ['4 x 145 g', 349, 599]] },
      { type: '{v}', variants: ['Sardines in Tomato Sauce', 'Mackerel Fillets in Olive Oil', 'Pink Salmon'], brands: ['Tidewell'], sizes: [['120 g', 79, 189]] },
      { type: '{v} Soup', variants: ['Cream of Tomato', 'Cream of Chicken', 'Minestrone', 'Vegetable', 'Oxtail', 'Mushroom'], sizes: [['400 g', 69, 149]] },
      { type: 'Tomato Ketchup', variants: ['', 'Reduced Sugar'], brands: ['Redhill Kitchen', 'Saucery'], sizes: [['500 g', 119, 229], ['1 kg', 219, 349]] },
      { type: 'Mayonnaise', variants: ['', 'Light'], brands: ['Redhill Kitchen', 'Saucery'], sizes: [['400 ml', 149, 249]] },
      { type: '{v} Mustard', variants: ['Dijon', 'English', 'Wholegrain', 'Mild Yellow'], brands: ['Redhill Kitchen', 'Saucery'], sizes: [['180 g', 89, 169]] },
      { type: '{v}', variants: ['BBQ Sauce', 'Sweet Chilli Sauce', 'Hot Pepper Sauce', 'Brown Sauce'], brands: ['Redhill Kitchen', 'Saucery'], sizes: [['300 ml', 129, 229]] },
      { type: '{v} Soy Sauce', variants: ['Light', 'Dark', 'Reduced Salt'], brands: ['Jade Lantern'], sizes: [['150 ml', 119, 199], ['500 ml', 249, 379]] },
      { type: '{v} Pasta Sauce', variants: ['Tomato & Basil', 'Arrabbiata', 'Bolognese', 'Puttanesca', 'Creamy Mushroom', 'Roasted Vegetable'], brands: ['Casa Morello', 'Trattoria Lenzi'], sizes: [['500 g', 129, 249]] },
      { type: '{v} Pesto', variants: ['Green', 'Red', 'Vegan Basil'], brands: ['Casa Morello', 'Trattoria Lenzi'], sizes: [['190 g', 159, 279]] },
      { type: '{v} Cooking Sauce', variants: ['Tikka Masala', 'Korma', 'Jalfrezi', 'Sweet & Sour', 'Black Bean'], brands: ['Jade Lantern', 'Spice Route Kitchen'], sizes: [['450 g', 149, 229]] },
      { type: '{v}', variants: ['Extra Virgin Olive Oil', 'Light Olive Oil'], brands: ['Goldleaf', 'Trattoria Lenzi'], sizes: [['500 ml', 399, 799], ['1 L', 699, 1299]] },
      { type: '{v}', variants: ['Sunflower Oil', 'Rapeseed Oil', 'Vegetable Oil'], brands: ['Goldleaf', 'Harvest Pantry'], sizes: [['1 L', 169, 299]] },
      { type: '{v} Vinegar', variants: ['Balsamic', 'White Wine', 'Cider', 'Malt'], brands: ['Goldleaf', 'Harvest Pantry'], sizes: [['500 ml', 89, 299]] },
      { type: '{v}', variants: ['Ground Cumin', 'Paprika', 'Smoked Paprika', 'Ground Cinnamon', 'Dried Oregano', 'Ground Black Pepper', 'Chilli Flakes', 'Ground Turmeric', 'Mild Curry Powder', 'Garlic Granules', 'Mixed Herbs', 'Ground Ginger', 'Whole Nutmeg', 'Bay Leaves'], brands: ['Spicewood', 'Saffron Lane'], sizes: [['40 g', 99, 199]] },
      { type: '{v} Salt', variants: ['Sea', 'Table', 'Iodised'], brands: ['Spicewood', 'Harvest Pantry'], sizes: [['500 g', 39, 129]] },
      { type: '{v}', variants: ['Plain Flour', 'Self-Raising Flour', 'Strong White Bread Flour', 'Wholemeal Flour'], brands: ['Millrace', 'Harvest Pantry'], sizes: [['1 kg', 79, 169], ['1.5 kg', 99, 219]] },
      { type: '{v}', variants: ['Granulated Sugar', 'Caster Sugar', 'Icing Sugar', 'Light Brown Sugar', 'Dark Muscovado Sugar'], brands: ['Millrace', 'Harvest Pantry'], sizes: [['1 kg', 99, 229], ['500 g', 79, 159]] },
      { type: '{v}', variants: ['Baking Powder', 'Bicarbonate of Soda', 'Cocoa Powder', 'Dark Chocolate Chips', 'Desiccated Coconut', 'Ground Almonds'], brands: ['Millrace'], sizes: [['170 g', 99, 299]] },
      { type: 'Fast Action Dried Yeast', variants: [''], brands: ['Millrace'], sizes: [['8 x 7 g', 99, 169]] },
      { type: 'Vanilla Extract', variants: [''], brands: ['Millrace', 'Saffron Lane'], sizes: [['38 ml', 199, 349]] },
      { type: '{v} Stock Cubes', variants: ['Chicken', 'Beef', 'Vegetable'], sizes: [['8 pcs', 79, 149], ['24 pcs', 199, 329]] },
      { type: '{v} Gravy Granules', variants: ['Chicken', 'Beef', 'Onion'], sizes: [['200 g', 129, 199]] },
      { type: 'Instant Noodles {v}', variants: ['Chicken', 'Beef', 'Curry', 'Spicy Vegetable', 'Shrimp'], brands: ['Jade Lantern', 'Noodlewave'], sizes: [['85 g', 39, 79], ['5 x 85 g', 179, 299]] },
      { type: '{v} Noodles', variants: ['Egg', 'Rice', 'Udon', 'Wholewheat'], brands: ['Jade Lantern', 'Noodlewave'], sizes: [['250 g', 99, 199]] },
      { type: '{v}', variants: ['Coconut Milk', 'Light Coconut Milk'], brands: ['Jade Lantern', 'Spice Route Kitchen'], sizes: [['400 ml', 99, 179]] },
      { type: '{v}', variants: ['Cream Crackers', 'Water Biscuits', 'Oatcakes', 'Crispbread'], brands: ['Harvest Pantry', 'Oakwheel'], sizes: [['200 g', 89, 189]] },
    ],
  },
  {
    name: 'breakfast',
    weight: 90,
    tax: 'reduced',
    brands: ['Morning Harvest', 'Sunrise Mill', 'Goldenfield'],
    items: [
      { type: '{v}', variants: ['Corn Flakes', 'Bran Flakes', 'Crunchy Granola', 'Fruit & Nut Muesli', 'Honey Puffs', 'Chocolate Hoops', 'Rice Crisps', 'Wholegrain Wheat Biscuits', 'Frosted Flakes', 'Swiss-Style Muesli'], sizes: [['375 g', 149, 299], ['750 g', 249, 449]] },
      { type: '{v} Porridge Oats', variants: ['Rolled', 'Jumbo', 'Golden Syrup Instant'], sizes: [['500 g', 79, 179], ['1 kg', 109, 249]] },
      { type: '{v} Jam', variants: ['Strawberry', 'Raspberry', 'Apricot', 'Blackcurrant', 'Cherry'], brands: ['Berrydown', 'Morning Harvest'], sizes: [['340 g', 119, 249]] },
      { type: '{v} Marmalade', variants: ['Thick Cut Orange', 'Fine Cut Orange', 'Lemon & Lime'], brands: ['Berrydown'], sizes: [['454 g', 149, 279]] },
      { type: '{v} Honey', variants: ['Clear', 'Set', 'Wildflower'], brands: ['Beehaven', 'Berrydown'], sizes: [['340 g', 229, 449]] },
      { type: '{v} Peanut Butter', variants: ['Smooth', 'Crunchy'], brands: ['Goldenfield', 'Nutterly'], sizes: [['340 g', 159, 279], ['1 kg', 449, 699]] },
      { type: 'Chocolate Hazelnut Spread', variants: [''], brands: ['Goldenfield', 'Nutterly', 'Cocoa Lane'], sizes: [['400 g', 199, 349]] },
      { type: 'Pancake Mix', variants: ['', 'Buckwheat'], sizes: [['200 g', 119, 199]] },
      { type: 'Maple-Style Syrup', variants: [''], sizes: [['250 ml', 199, 329]] },
    ],
  },
  {
    name: 'coffee and tea',
    weight: 80,
    tax: 'reduced',
    brands: ['Roastwell', 'Kettlebury', 'Cafe Orvella'],
    items: [
      { type: '{v} Ground Coffee', variants: ['Classic Roast', 'Dark Roast', 'Espresso', 'Decaf', 'Breakfast Blend'], sizes: [['250 g', 349, 599], ['500 g', 599, 999]] },
      { type: '{v} Coffee Beans', variants: ['Espresso', 'Crema', 'Colombia Single Origin', 'Ethiopia Single Origin'], sizes: [['500 g', 599, 999], ['1 kg', 1099, 1899]] },
      { type: '{v} Instant Coffee', variants: ['Classic', 'Gold', 'Decaf'], sizes: [['100 g', 299, 549], ['200 g', 499, 899]] },
      { type: '{v} Coffee Capsules', variants: ['Lungo', 'Espresso', 'Ristretto', 'Decaf'], sizes: [['10 pcs', 279, 449]] },
      { type: '{v} Tea', variants: ['English Breakfast', 'Earl Grey', 'Green', 'Peppermint', 'Chamomile', 'Rooibos', 'Lemon & Ginger', 'Decaf'], brands: ['Kettlebury', 'Highfold Tea Co'], sizes: [['40 bags', 149, 349], ['80 bags', 279, 549]] },
      { type: 'Hot Chocolate', variants: ['', 'Reduced Sugar'], sizes: [['400 g', 229, 399]] },
    ],
  },
  {
    name: 'snacks and confectionery',
    weight: 200,
    tax: 'reduced',
    brands: ['Crunchwell', 'Nibbleton', 'Oakridge Snacks'],
    items: [
      { type: '{v} Crisps', variants: ['Sea Salt', 'Salt & Vinegar', 'Cheese & Onion', 'Sour Cream & Chive', 'Paprika', 'Sweet Chilli', 'Ready Salted', 'Smoky Bacon'], sizes: [['40 g', 49, 89], ['150 g', 119, 229], ['6 x 25 g', 169, 279]] },
      { type: '{v} Tortilla Chips', variants: ['Lightly Salted', 'Chilli', 'Cheese'], sizes: [['200 g', 119, 229]] },
      { type: '{v} Popcorn', variants: ['Sweet', 'Salted', 'Sweet & Salty', 'Toffee'], sizes: [['100 g', 99, 199]] },
      { type: '{v}', variants: ['Salted Pretzels', 'Salted Peanuts', 'Dry Roasted Peanuts', 'Mixed Nuts', 'Cashews', 'Trail Mix', 'Roasted Almonds'], sizes: [['200 g', 129, 399]] },
      { type: '{v} Chocolate Bar', variants: ['Milk', 'Dark 70%', 'Hazelnut', 'Caramel', 'White', 'Orange', 'Mint Crisp'], brands: ['Cocoa Lane', 'Velvetine'], sizes: [['100 g', 99, 249], ['200 g', 199, 399]] },
      { type: '{v} Chocolate Biscuit Bars', variants: ['Milk', 'Caramel', 'Wafer'], brands: ['Cocoa Lane', 'Velvetine'], sizes: [['6 pcs', 149, 249]] },
      { type: 'Chocolate Selection Box', variants: [''], brands: ['Cocoa Lane', 'Velvetine'], sizes: [['200 g', 399, 699]] },
      { type: '{v} Biscuits', variants: ['Digestive', 'Milk Chocolate Digestive', 'Ginger Nut', 'Rich Tea', 'Oat Crunch', 'Custard Cream', 'Bourbon'], brands: ['Teatime Bakers', 'Oakwheel'], sizes: [['300 g', 79, 199]] },
      { type: 'Shortbread Fingers', variants: [''], brands: ['Teatime Bakers'], sizes: [['160 g', 149, 249]] },
      { type: '{v} Cookies', variants: ['Chocolate Chip', 'Double Chocolate', 'Oat & Raisin', 'White Chocolate & Cranberry'], brands: ['Teatime Bakers', 'Crumbhouse'], sizes: [['200 g', 119, 249]] },
      { type: '{v}', variants: ['Fruit Gums', 'Sour Worms', 'Jelly Beans', 'Mint Humbugs', 'Wine Gums', 'Fizzy Cola Bottles', 'Liquorice Allsorts', 'Toffees'], brands: ['Sweetbay', 'Candlewick Sweets'], sizes: [['150 g', 99, 199]] },
      { type: '{v} Chewing Gum', variants: ['Spearmint', 'Peppermint', 'Sugar Free Mint'], brands: ['Sweetbay', 'Chewzy'], sizes: [['10 pcs', 69, 129]] },
      { type: '{v} Cereal Bars', variants: ['Oat & Honey', 'Chocolate Chip', 'Fruit & Nut', 'Peanut'], brands: ['Morning Harvest', 'Oakridge Snacks'], sizes: [['6 pcs', 149, 249]] },
      { type: '{v} Protein Bar', variants: ['Chocolate Brownie', 'Peanut Caramel', 'Cookie Dough'], brands: ['Fitfuel'], sizes: [['60 g', 149, 249]] },
      { type: '{v} Rice Cakes', variants: ['Lightly Salted', 'Dark Chocolate', 'Yogurt'], sizes: [['130 g', 89, 189]] },
      { type: 'Dried {v}', variants: ['Apricots', 'Mango', 'Cranberries', 'Raisins', 'Dates'], brands: ['Sunvale Orchards', 'Oakridge Snacks'], sizes: [['200 g', 149, 329]] },
    ],
  },
  {
    name: 'beverages',
    weight: 150,
    tax: 'standard',
    brands: ['Fizzbury', 'Zestival'],
    items: [
      { type: '{v} Mineral Water', variants: ['Still', 'Sparkling', 'Lightly Sparkling'], brands: ['Stillmoor Springs', 'Glacierine', 'Highpeak Source'], sizes: [['500 ml', 29, 69], ['1.5 L', 39, 89], ['6 x 1.5 L', 219, 449]] },
      { type: '{v} Flavoured Water', variants: ['Lemon & Lime', 'Strawberry & Kiwi', 'Peach'], brands: ['Stillmoor Springs', 'Glacierine'], sizes: [['1 L', 69, 119]] },
      { type: '{v}', variants: ['Cola', 'Diet Cola', 'Zero Sugar Cola', 'Cherry Cola'], sizes: [['330 ml', 49, 89], ['1.5 L', 99, 199], ['6 x 330 ml', 279, 449]] },
      { type: '{v}', variants: ['Lemonade', 'Orange Soda', 'Ginger Ale', 'Tonic Water', 'Cream Soda', 'Lemon-Lime Soda', 'Bitter Lemon'], sizes: [['330 ml', 49, 89], ['1.5 L', 89, 179]] },
      { type: '{v} Juice', variants: ['Smooth Orange', 'Orange with Bits', 'Apple', 'Cloudy Apple', 'Cranberry', 'Multivitamin', 'Pineapple', 'Pink Grapefruit'], brands: ['Sunpress', 'Grovewell'], sizes: [['1 L', 119, 249], ['250 ml', 59, 109]] },
      { type: '{v} Smoothie', variants: ['Strawberry & Banana', 'Mango & Passion Fruit', 'Green'], brands: ['Sunpress', 'Grovewell'], sizes: [['750 ml', 249, 399], ['250 ml', 129, 199]] },
      { type: '{v} Iced Tea', variants: ['Peach', 'Lemon', 'Green Tea & Mint'], sizes: [['500 ml', 99, 169], ['1.5 L', 149, 229]] },
      { type: 'Energy Drink {v}', variants: ['Original', 'Sugar Free', 'Tropical', 'Mango'], brands: ['Voltboost', 'Kickstart'], sizes: [['250 ml', 89, 149], ['500 ml', 129, 219], ['4 x 250 ml', 349, 499]] },
      { type: 'Sports Drink {v}', variants: ['Citrus', 'Berry', 'Orange'], brands: ['Kickstart'], sizes: [['500 ml', 99, 169]] },
      { type: '{v} Cordial', variants: ['Orange', 'Blackcurrant', 'Elderflower', 'Lemon & Lime'], brands: ['Grovewell', 'Zestival'], sizes: [['750 ml', 129, 279]] },
      { type: '{v} Kombucha', variants: ['Original', 'Ginger & Lemon', 'Raspberry'], brands: ['Brewbright'], sizes: [['330 ml', 169, 249]] },
      { type: '{v} Iced Coffee', variants: ['Latte', 'Caramel', 'Mocha'], brands: ['Roastwell', 'Cafe Orvella'], sizes: [['250 ml', 129, 199]] },
    ],
  },
  {
    name: 'beer wine spirits',
    weight: 110,
    tax: 'standard',
    brands: ['Brewhall', 'Old Tanner Brewery', 'Kettlemoor Brewing'],
    items: [
      { type: '{v}', variants: ['Pilsner', 'Lager', 'Pale Ale', 'IPA', 'Wheat Beer', 'Stout', 'Amber Ale', 'Alcohol-Free Lager'], sizes: [['330 ml', 99, 219], ['500 ml', 119, 259], ['6 x 330 ml', 499, 899], ['24 x 330 ml', 1599, 2899]] },
      { type: '{v} Cider', variants: ['Apple', 'Pear', 'Mixed Berry'], brands: ['Orchard Tanner', 'Brewhall'], sizes: [['500 ml', 159, 259], ['4 x 440 ml', 449, 699]] },
      { type: '{v} Red Wine', variants: ['Tempranillo', 'Merlot', 'Cabernet Sauvignon', 'Pinot Noir', 'Shiraz', 'Malbec', 'Rioja Crianza'], brands: ['Castell Roja', 'Domaine Sorrel', 'Valleroso', 'Larkspur Hill'], sizes: [['750 ml', 499, 1999]] },
      { type: '{v} White Wine', variants: ['Sauvignon Blanc', 'Chardonnay', 'Pinot Grigio', 'Riesling', 'Verdejo'], brands: ['Castell Roja', 'Domaine Sorrel', 'Valleroso', 'Larkspur Hill'], sizes: [['750 ml', 499, 1799]] },
      { type: '{v} Rose Wine', variants: ['Grenache', 'Zinfandel'], brands: ['Castell Roja', 'Domaine Sorrel', 'Larkspur Hill'], sizes: [['750 ml', 499, 1299]] },
      { type: '{v} Sparkling Wine', variants: ['Brut', 'Extra Dry', 'Rose Brut'], brands: ['Valleroso', 'Domaine Sorrel'], sizes: [['750 ml', 699, 1999]] },
      { type: '{v}', variants: ['Vodka', 'London Dry Gin', 'Blended Whisky', 'White Rum', 'Spiced Rum', 'Brandy', 'Coffee Liqueur'], brands: ['Thornvale Distillers', 'Greyharbour Spirits'], sizes: [['350 ml', 799, 1599], ['700 ml', 1199, 2999]] },
    ],
  },
  {
    name: 'frozen',
    weight: 120,
    tax: 'reduced',
    brands: ['Frostfield', 'Northwind', 'Snowpeak'],
    items: [
      { type: 'Frozen {v}', variants: ['Garden Peas', 'Sweetcorn', 'Mixed Vegetables', 'Broccoli Florets', 'Green Beans', 'Leaf Spinach', 'Edamame Beans', 'Stir-Fry Vegetables'], sizes: [['500 g', 89, 169], ['1 kg', 129, 249]] },
      { type: '{v} Oven Chips', variants: ['Straight Cut', 'Crinkle Cut', 'Steak Cut', 'Sweet Potato'], sizes: [['1 kg', 149, 279], ['2 kg', 249, 399]] },
      { type: '{v} Frozen Pizza', variants: ['Margherita', 'Pepperoni', 'Four Cheese', 'Ham & Pineapple', 'Veggie Supreme', 'Spicy Chicken'], sizes: [['350 g', 199, 399], ['2 x 350 g', 349, 599]] },
      { type: 'Fish Fingers', variants: ['Cod', 'Pollock'], brands: ['Frostfield', 'Coastline Catch'], sizes: [['10 pcs', 199, 329], ['20 pcs', 349, 549]] },
      { type: 'Breaded {v} Fillets', variants: ['Cod', 'Haddock', 'Pollock'], brands: ['Frostfield', 'Coastline Catch'], sizes: [['4 pcs', 299, 499]] },
      { type: '{v}', variants: ['Chicken Nuggets', 'Chicken Dippers', 'Breaded Chicken Steaks'], sizes: [['500 g', 249, 399]] },
      { type: '{v} Burgers', variants: ['Beef', 'Chicken', 'Veggie', 'Bean'], sizes: [['4 pcs', 249, 449]] },
      { type: '{v} Ice Cream', variants: ['Vanilla', 'Chocolate', 'Strawberry', 'Cookie Dough', 'Salted Caramel', 'Mint Choc Chip', 'Neapolitan'], brands: ['Creamy Cove', 'Snowpeak'], sizes: [['500 ml', 249, 549], ['900 ml', 249, 449], ['2 L', 299, 499]] },
      { type: '{v} Ice Lollies', variants: ['Orange', 'Fruit Mix', 'Strawberry & Cream'], brands: ['Creamy Cove', 'Snowpeak'], sizes: [['6 pcs', 179, 299]] },
      { type: 'Choc Ices', variants: ['', 'Dark'], brands: ['Creamy Cove'], sizes: [['4 pcs', 199, 299]] },
      { type: 'Frozen {v}', variants: ['Mixed Berries', 'Raspberries', 'Mango Chunks', 'Strawberries', 'Blueberries'], sizes: [['500 g', 219, 399]] },
      { type: 'Frozen {v}', variants: ['Lasagne', 'Chicken Curry with Rice', 'Fish Pie', 'Vegetable Chilli'], sizes: [['400 g', 199, 349]] },
      { type: 'Frozen {v}', variants: ['Vegetable Spring Rolls', 'Garlic Bread', 'Puff Pastry', 'Yorkshire Puddings'], sizes: [['300 g', 99, 229]] },
      { type: 'Ice Cubes', variants: [''], tax: 'standard', sizes: [['2 kg', 129, 199]] },
    ],
  },
  {
    name: 'household',
    weight: 130,
    tax: 'standard',
    brands: ['Brightway', 'Homestead Clean', 'Purefresh'],
    items: [
      { type: '{v} Washing Up Liquid', variants: ['Original', 'Lemon', 'Sensitive', 'Lime & Mint'], sizes: [['500 ml', 89, 229], ['1 L', 149, 349]] },
      { type: '{v} Laundry Liquid', variants: ['Bio', 'Non-Bio', 'Colour'], sizes: [['1.5 L', 449, 899]] },
      { type: '{v} Laundry Powder', variants: ['Bio', 'Non-Bio'], sizes: [['2 kg', 549, 999]] },
      { type: '{v} Laundry Capsules', variants: ['Bio', 'Non-Bio', 'Colour'], sizes: [['30 pcs', 699, 1199]] },
      { type: '{v} Fabric Conditioner', variants: ['Spring Fresh', 'Lavender', 'Sensitive'], sizes: [['1 L', 179, 349]] },
      { type: '{v} Dishwasher Tablets', variants: ['Classic', 'All-in-One', 'Eco'], sizes: [['30 pcs', 399, 899]] },
      { type: '{v} Cleaner', variants: ['Antibacterial Surface', 'Kitchen', 'Bathroom', 'Glass', 'Floor'], sizes: [['500 ml', 109, 249], ['1 L', 169, 329]] },
      { type: '{v} Bleach', variants: ['Thick', 'Citrus'], sizes: [['750 ml', 69, 149]] },
      { type: '{v} Toilet Cleaner', variants: ['Fresh', 'Pine'], sizes: [['750 ml', 99, 219]] },
      { type: '{v} Toilet Tissue', variants: ['2-Ply', '3-Ply Quilted'], brands: ['Softfold', 'Cloudleaf'], sizes: [['4 rolls', 179, 329], ['9 rolls', 379, 699]] },
      { type: 'Kitchen Roll', variants: ['', 'Extra Absorbent'], brands: ['Softfold', 'Cloudleaf'], sizes: [['2 rolls', 179, 329], ['4 rolls', 329, 549]] },
      { type: '{v} Facial Tissues', variants: ['Soft', 'Balsam'], brands: ['Softfold', 'Cloudleaf'], sizes: [['100 pcs', 99, 199]] },
      { type: '{v}', variants: ['Kitchen Foil', 'Cling Film', 'Baking Paper'], brands: ['Kitchara', 'Brightway'], sizes: [['10 m', 99, 249], ['30 m', 199, 399]] },
      { type: '{v}', variants: ['Freezer Bags', 'Sandwich Bags'], brands: ['Kitchara', 'Brightway'], sizes: [['50 pcs', 99, 199]] },
      { type: 'Bin Bags', variants: ['', 'Drawstring'], sizes: [['20 x 30 L', 129, 229], ['10 x 60 L', 149, 279]] },
      { type: '{v}', variants: ['Kitchen Sponges', 'Scourers', 'Microfibre Cloths'], sizes: [['6 pcs', 99, 249]] },
      { type: 'Rubber Gloves {v}', variants: ['Medium', 'Large'], sizes: [['1 pair', 99, 179]] },
      { type: '{v} Air Freshener', variants: ['Lavender', 'Fresh Linen', 'Citrus', 'Vanilla'], sizes: [['300 ml', 129, 249]] },
      { type: '{v}', variants: ['Tealights', 'Safety Matches', 'Firelighters'], brands: ['Emberlite'], sizes: [['50 pcs', 129, 349]] },
      { type: 'Lumpwood Charcoal', variants: [''], brands: ['Emberlite'], sizes: [['3 kg', 399, 699]] },
    ],
  },
  {
    name: 'personal care',
    weight: 130,
    tax: 'standard',
    brands: ['Velvessa', 'Puremoor', 'Silkbay'],
    items: [
      { type: '{v} Shampoo', variants: ['Everyday', 'Anti-Dandruff', 'Volume', 'Colour Care', 'Dry Hair', 'Argan Oil'], sizes: [['250 ml', 199, 449], ['400 ml', 299, 599]] },
      { type: '{v} Conditioner', variants: ['Everyday', 'Volume', 'Colour Care', 'Dry Hair'], sizes: [['250 ml', 199, 449]] },
      { type: '{v} Shower Gel', variants: ['Ocean', 'Citrus', 'Sensitive', 'Coconut', 'Sport'], sizes: [['250 ml', 119, 299], ['500 ml', 199, 449]] },
      { type: '{v} Liquid Hand Soap', variants: ['Aloe Vera', 'Lemon', 'Antibacterial'], sizes: [['250 ml', 89, 199]] },
      { type: '{v} Soap Bars', variants: ['Original', 'Shea Butter'], sizes: [['4 x 100 g', 149, 299]] },
      { type: '{v} Deodorant Spray', variants: ['Fresh', 'Sensitive', 'Sport', 'Invisible'], sizes: [['150 ml', 149, 299]] },
      { type: '{v} Roll-On Deodorant', variants: ['Fresh', 'Sensitive'], sizes: [['50 ml', 129, 249]] },
      { type: '{v} Toothpaste', variants: ['Whitening', 'Sensitive', 'Fresh Mint', 'Total Care', 'Kids'], brands: ['Freshmint', 'Dentora'], sizes: [['75 ml', 99, 299]] },
      { type: '{v} Toothbrush', variants: ['Soft', 'Medium'], brands: ['Freshmint', 'Dentora'], sizes: [['2 pcs', 149, 349]] },
      { type: '{v} Mouthwash', variants: ['Cool Mint', 'Alcohol Free'], brands: ['Freshmint', 'Dentora'], sizes: [['500 ml', 199, 399]] },
      { type: 'Dental Floss', variants: ['Mint', 'Waxed'], brands: ['Freshmint', 'Dentora'], sizes: [['50 m', 149, 279]] },
      { type: '{v} Razors', variants: ['3-Blade', '5-Blade', 'Disposable'], brands: ['Edgemore'], sizes: [['4 pcs', 299, 899]] },
      { type: '{v} Shaving Foam', variants: ['Sensitive', 'Classic'], brands: ['Edgemore'], sizes: [['250 ml', 149, 299]] },
      { type: '{v} Body Lotion', variants: ['Intensive Care', 'Aloe Vera', 'Cocoa Butter'], sizes: [['400 ml', 249, 499]] },
      { type: '{v} Hand Cream', variants: ['Intensive', 'Nourishing'], sizes: [['75 ml', 149, 299]] },
      { type: '{v} Lip Balm', variants: ['Original', 'Cherry'], sizes: [['4.8 g', 99, 229]] },
      { type: 'Sun Cream {v}', variants: ['SPF 30', 'SPF 50', 'Kids SPF 50'], brands: ['Solara'], sizes: [['200 ml', 499, 999]] },
      { type: '{v}', variants: ['Cotton Pads', 'Cotton Buds'], brands: ['Puremoor', 'Softfold'], sizes: [['100 pcs', 69, 169]] },
      { type: '{v} Sanitary Pads', variants: ['Regular', 'Night', 'Ultra Thin'], brands: ['Lunessa'], sizes: [['14 pcs', 149, 299]] },
      { type: '{v} Tampons', variants: ['Regular', 'Super'], brands: ['Lunessa'], sizes: [['16 pcs', 149, 299]] },
      { type: '{v} Plasters', variants: ['Fabric', 'Waterproof', 'Assorted'], brands: ['Mendwell'], sizes: [['20 pcs', 149, 299]] },
      { type: '{v} Hair Gel', variants: ['Strong Hold', 'Wet Look'], sizes: [['150 ml', 149, 299]] },
    ],
  },
  {
    name: 'baby',
    weight: 50,
    tax: 'standard',
    brands: ['Little Acorn', 'Tiny Meadow'],
    items: [
      { type: 'Nappies Size {v}', variants: ['1', '2', '3', '4', '5', '6'], sizes: [['40 pcs', 599, 999]] },
      { type: '{v} Baby Wipes', variants: ['Sensitive', 'Fragrance Free', 'Aloe Vera'], sizes: [['64 pcs', 99, 199], ['4 x 64 pcs', 349, 599]] },
      { type: '{v} Baby Food Pouch', variants: ['Apple & Banana', 'Carrot & Sweet Potato', 'Pear & Spinach', 'Mango & Yogurt', 'Pea & Broccoli'], tax: 'reduced', sizes: [['120 g', 79, 149]] },
      { type: '{v} Baby Porridge', variants: ['Original', 'Banana', 'Apple & Cinnamon'], tax: 'reduced', sizes: [['200 g', 169, 299]] },
      { type: 'Baby Rice Cakes', variants: ['Apple', 'Banana'], tax: 'reduced', sizes: [['40 g', 99, 169]] },
      { type: 'Baby {v}', variants: ['Shampoo', 'Bath', 'Lotion', 'Oil'], sizes: [['300 ml', 199, 399]] },
      { type: 'Nappy Bags', variants: [''], sizes: [['100 pcs', 79, 149]] },
      { type: '{v} Breast Pads', variants: ['Disposable'], sizes: [['30 pcs', 249, 449]] },
    ],
  },
  {
    name: 'pet',
    weight: 60,
    tax: 'standard',
    brands: ['Barkwell', 'Whiskerly', 'Tailwind Pet'],
    items: [
      { type: 'Cat Food Pouches {v}', variants: ['Chicken Selection', 'Fish Selection', 'Meaty Selection', 'Salmon in Jelly', 'Senior Mixed'], brands: ['Whiskerly', 'Tailwind Pet'], sizes: [['12 x 85 g', 349, 599], ['4 x 85 g', 129, 219]] },
      { type: 'Dry Cat Food {v}', variants: ['Chicken', 'Salmon', 'Indoor', 'Kitten'], brands: ['Whiskerly', 'Tailwind Pet'], sizes: [['800 g', 249, 449], ['2 kg', 549, 899]] },
      { type: 'Cat Treats {v}', variants: ['Chicken', 'Dental'], brands: ['Whiskerly'], sizes: [['60 g', 99, 179]] },
      { type: 'Dog Food {v}', variants: ['Beef Chunks', 'Chicken Chunks', 'Lamb & Rice', 'Puppy'], brands: ['Barkwell', 'Tailwind Pet'], sizes: [['400 g', 89, 159], ['6 x 400 g', 449, 799]] },
      { type: 'Dry Dog Food {v}', variants: ['Adult Chicken', 'Adult Beef', 'Senior', 'Small Breed'], brands: ['Barkwell', 'Tailwind Pet'], sizes: [['3 kg', 699, 1199]] },
      { type: 'Dog {v}', variants: ['Dental Chews', 'Biscuits', 'Training Treats', 'Rawhide-Free Chews'], brands: ['Barkwell'], sizes: [['200 g', 149, 349]] },
      { type: '{v} Cat Litter', variants: ['Clumping', 'Wood Pellet', 'Silica'], brands: ['Whiskerly', 'Tailwind Pet'], sizes: [['10 L', 349, 799]] },
      { type: '{v}', variants: ['Wild Bird Seed', 'Hamster Food', 'Rabbit Food', 'Fish Flakes'], brands: ['Tailwind Pet'], sizes: [['1 kg', 199, 449]] },
      { type: 'Dog Poop Bags', variants: [''], brands: ['Barkwell'], sizes: [['120 pcs', 199, 349]] },
    ],
  },
  {
    name: 'stationery',
    weight: 50,
    tax: 'standard',
    brands: ['Penbrook', 'Notara', 'Scriven'],
    items: [
      { type: '{v} Ballpoint Pens', variants: ['Blue', 'Black', 'Assorted'], sizes: [['4 pcs', 129, 299], ['10 pcs', 249, 499]] },
      { type: 'HB Pencils', variants: ['', 'With Eraser'], sizes: [['6 pcs', 99, 199]] },
      { type: '{v}', variants: ['Colouring Pencils', 'Felt Tip Pens', 'Wax Crayons'], sizes: [['12 pcs', 149, 399]] },
      { type: '{v} Highlighters', variants: ['Assorted', 'Yellow'], sizes: [['4 pcs', 199, 399]] },
      { type: 'Permanent Markers {v}', variants: ['Black'], sizes: [['2 pcs', 149, 299]] },
      { type: '{v} Notebook', variants: ['Lined', 'Squared', 'Plain'], sizes: [['A5', 129, 299], ['A4', 199, 399]] },
      { type: 'Sticky Notes', variants: ['Yellow', 'Neon'], sizes: [['4 pads', 199, 399]] },
      { type: '{v} Envelopes', variants: ['White DL', 'Brown C5'], sizes: [['50 pcs', 199, 449]] },
      { type: 'Printer Paper A4', variants: [''], sizes: [['500 sheets', 399, 699]] },
      { type: '{v}', variants: ['Glue Stick', 'Sticky Tape', 'Eraser', 'Pencil Sharpener', 'Ruler 30 cm', 'Correction Tape'], sizes: [['1 pc', 79, 249]] },
      { type: '{v}', variants: ['Scissors', 'Stapler', 'Hole Punch'], sizes: [['1 pc', 199, 599]] },
      { type: '{v} Greeting Card', variants: ['Birthday', 'Thank You', 'Congratulations', 'Get Well Soon'], brands: ['Paperlark'], sizes: [['1 pc', 149, 349]] },
      { type: 'Gift Wrap', variants: ['', 'Kraft'], brands: ['Paperlark'], sizes: [['3 m', 149, 299]] },
    ],
  },
  {
    name: 'general merchandise',
    weight: 40,
    tax: 'standard',
    brands: ['Ampora', 'Lumenbright', 'Kitchara'],
    items: [
      { type: '{v} Alkaline Batteries', variants: ['AA', 'AAA', 'C', 'D'], brands: ['Ampora', 'Cellvion'], sizes: [['4 pcs', 249, 549], ['8 pcs', 449, 899]] },
      { type: '9V Alkaline Battery', variants: [''], brands: ['Ampora', 'Cellvion'], sizes: [['1 pc', 249, 449]] },
      { type: '{v} Button Cell', variants: ['CR2032', 'CR2025'], brands: ['Ampora', 'Cellvion'], sizes: [['2 pcs', 249, 449]] },
      { type: 'LED Bulb {v}', variants: ['E27 Warm White', 'E14 Warm White', 'GU10 Cool White', 'E27 Daylight'], brands: ['Lumenbright'], sizes: [['1 pc', 199, 499], ['3 pcs', 499, 1099]] },
      { type: '{v}', variants: ['USB-C Charging Cable', 'Lightning-Compatible Cable', 'Micro-USB Cable'], brands: ['Cellvion'], sizes: [['1 m', 599, 1299]] },
      { type: 'Refillable Lighter', variants: [''], brands: ['Emberlite'], sizes: [['1 pc', 99, 249]] },
      { type: '{v}', variants: ['Food Storage Containers', 'Wooden Spoons', 'Ice Cube Trays'], brands: ['Kitchara'], sizes: [['3 pcs', 299, 699]] },
      { type: '{v}', variants: ['Compact Umbrella', 'Reusable Shopping Bag', 'Insulated Water Bottle'], brands: ['Kitchara', 'Lumenbright'], sizes: [['1 pc', 199, 1499]] },
    ],
  },
  {
    // Zero-rated: newspapers, books, postage stamps, gift cards and phone top-ups. All carried.
    name: 'news books stamps vouchers',
    takeAll: true,
    tax: 'zero',
    brands: [],
    items: [
      { type: '{v} Newspaper', variants: ['Daily', ['Weekend', 1.6]], brands: ['The Morning Ledger', 'Evening Courier', 'The Civic Herald'], sizes: [['', 190, 290]] },
      { type: '{v} Paperback', variants: ['The Salt Road', 'A Winter in Larchmere', 'The Quiet Harbour'], brands: ['Lanternfield Press'], sizes: [['', 799, 1299]] },
      { type: '{v} Paperback', variants: ['Glasshouse Summer', 'The Clockmaker of Vell', 'Nine Lanterns'], brands: ['Copperleaf Books'], sizes: [['', 799, 1299]] },
      { type: 'Picture Book: {v}', variants: ['Otto the Owl Can Not Sleep', 'Ten Tiny Tugboats'], brands: ['Copperleaf Books'], sizes: [['', 499, 799]] },
      { type: 'Crossword Puzzle Book', variants: ['', 'Cryptic'], brands: ['Lanternfield Press'], sizes: [['', 299, 499]] },
      { type: 'Everyday Family Cookbook', variants: [''], brands: ['Copperleaf Books'], sizes: [['', 1499, 2499]] },
      { type: 'First Class Stamps', variants: [''], brands: ['National Post'], sizes: [['6 pcs', 990], ['12 pcs', 1980]] },
      { type: 'Second Class Stamps', variants: [''], brands: ['National Post'], sizes: [['6 pcs', 510], ['12 pcs', 1020]] },
      { type: 'Gift Card', variants: [''], brands: ['Corner Market'], sizes: [['10.00', 1000], ['25.00', 2500], ['50.00', 5000]] },
      { type: 'Top-Up Voucher', variants: [''], brands: ['Telvo Mobile', 'Skyline Mobile'], sizes: [['10.00', 1000], ['20.00', 2000]] },
    ],
  },
];

// The first ten products: everyday items with clearly different prices (demos and tests scan them).
const EVERYDAY = [
  { brand: 'Meadowmere', rest: 'Whole Milk 1 L', price: 129, taxClass: 'reduced' },
  { brand: 'Sunmill Bakery', rest: 'White Sandwich Loaf 800 g', price: 189, taxClass: 'reduced' },
  { brand: 'Greenhollow', rest: 'Bananas 1 kg', price: 159, taxClass: 'reduced', byLabel: true },
  { brand: 'Cloverstead', rest: 'Free Range Large Eggs 10 pcs', price: 329, taxClass: 'reduced' },
  { brand: 'Hollybrook', rest: 'Salted Butter 250 g', price: 279, taxClass: 'reduced' },
  { brand: 'Roastwell', rest: 'Classic Roast Ground Coffee 500 g', price: 699, taxClass: 'reduced' },
  { brand: 'Stillmoor Springs', rest: 'Still Mineral Water 1.5 L', price: 49, taxClass: 'standard' },
  { brand: 'Sunvale Orchards', rest: 'Gala Apples 1 kg', price: 249, taxClass: 'reduced', byLabel: true },
  { brand: 'Casa Morello', rest: 'Spaghetti 500 g', price: 99, taxClass: 'reduced' },
  { brand: 'Fieldstone Farms', rest: 'Vine Tomatoes 500 g', price: 219, taxClass: 'reduced', byLabel: true },
];

// ---------------------------------------------------------------------------------------------
// Barcodes: each brand gets its own GS1-looking company prefix (3-digit country prefix + 5-digit
// company number), items get 4-digit references under it. Never prefix 2 (in-store / weighed
// items) and never 977-979 (ISSN / ISBN).
// ---------------------------------------------------------------------------------------------

const COUNTRY_PREFIXES = [
  ...range(400, 440), // Germany
  ...range(500, 509), // United Kingdom
  ...range(540, 549), // Belgium & Luxembourg
  ...range(570, 579), // Denmark
  ...range(730, 739), // Sweden
  ...range(760, 769), // Switzerland
  ...range(800, 839), // Italy
  ...range(840, 849), // Spain
  ...range(870, 879), // Netherlands
  ...range(900, 919), // Austria
].map(String);

function range(from, to) {
  const out = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

const companyPrefixes = new Set();
const brandCodes = new Map(); // brand -> { prefix, nextRef }
const usedBarcodes = new Set();

function brandCode(brand) {
  let code = brandCodes.get(brand);
  if (!code) {
    let prefix;
    do prefix = pick(COUNTRY_PREFIXES) + String(randInt(10000, 99999));
    while (companyPrefixes.has(prefix));
    companyPrefixes.add(prefix);
    code = { prefix, nextRef: randInt(0, 2500) };
    brandCodes.set(brand, code);
  }
  return code;
}

function nextBarcode(brand) {
  const code = brandCode(brand);
  for (;;) {
    code.nextRef += randInt(1, 9);
    if (code.nextRef > 9999) throw new Error(`brand ${brand} ran out of item references`);
    const first12 = code.prefix + String(code.nextRef).padStart(4, '0');
    const barcode = first12 + ean13CheckDigit(first12);
    if (!usedBarcodes.has(barcode)) {
      usedBarcodes.add(barcode);
      return barcode;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Building the catalogue
// ---------------------------------------------------------------------------------------------

function variantOf(v) {
  return typeof v === 'string' ? { label: v, mult: 1 } : { label: v[0], mult: v[1] };
}

function productName(brand, type, variant, size) {
  const middle = type.includes('{v}') ? type.replace('{v}', variant) : [variant, type].filter(Boolean).join(' ');
  return [brand, middle, size]
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every product a category could carry: brand x item x variant x size. */
function candidates(category) {
  const out = [];
  for (const item of category.items) {
    const brands = item.brands ?? category.brands;
    for (const brand of brands) {
      // A brand sits at one price point per item (budget ... premium), with a little noise per product.
      const tier = rand();
      for (const rawVariant of item.variants) {
        const variant = variantOf(rawVariant);
        for (const size of item.sizes) {
          const [label, min, max] = size;
          let price;
          if (max === undefined) {
            price = min; // exact (stamps, gift cards, vouchers)
          } else {
            const t = Math.min(1, Math.max(0, tier + (rand() - 0.5) * 0.3));
            price = shelfPrice((min + t * (max - min)) * variant.mult);
          }
          out.push({
            brand,
            name: productName(brand, item.type, variant.label, label),
            price,
            taxClass: item.tax ?? category.tax,
            byLabel: category.byLabel === true,
          });
        }
      }
    }
  }
  return out;
}

function quotas(categories, total) {
  const weighted = categories.filter((c) => !c.takeAll);
  const sum = weighted.reduce((s, c) => s + c.weight, 0);
  const raw = weighted.map((c) => (c.weight * total) / sum);
  const q = raw.map(Math.floor);
  let left = total - q.reduce((s, n) => s + n, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    q[i] += 1;
  }
  return new Map(weighted.map((c, i) => [c, q[i]]));
}

function buildCatalog() {
  const names = new Set();
  const products = [];

  for (const e of EVERYDAY) {
    const name = `${e.brand} ${e.rest}`;
    names.add(name);
    products.push({ brand: e.brand, name, price: e.price, taxClass: e.taxClass, byLabel: e.byLabel === true, fixed: true });
  }

  const pools = CATEGORIES.map((category) => ({ category, pool: candidates(category).filter((p) => !names.has(p.name)) }));
  const fixedCount = pools.filter((p) => p.category.takeAll).reduce((s, p) => s + p.pool.length, 0);
  const quota = quotas(CATEGORIES, PRODUCT_COUNT - EVERYDAY.length - fixedCount);

  for (const { category, pool } of pools) {
    const want = category.takeAll ? pool.length : quota.get(category);
    const chosen = [];
    for (const p of shuffle(pool)) {
      if (chosen.length === want) break;
      if (names.has(p.name)) continue;
      names.add(p.name);
      chosen.push(p);
    }
    if (chosen.length !== want) {
      throw new Error(`category ${category.name}: wanted ${want} products, only ${chosen.length} possible`);
    }
    chosen.sort((a, b) => byString(a.name, b.name));
    products.push(...chosen);
  }

  if (products.length !== PRODUCT_COUNT) throw new Error(`built ${products.length} products, expected ${PRODUCT_COUNT}`);

  // About 5% carry a second barcode (multipack / alternate pack): never one of the first ten, nor a
  // zero-rated item (newspapers, books, stamps, gift cards, vouchers).
  const secondCount = Math.round(PRODUCT_COUNT * SECOND_BARCODE_SHARE);
  const eligible = range(EVERYDAY.length, PRODUCT_COUNT - 1).filter((i) => products[i].taxClass !== 'zero');
  const withSecond = new Set(shuffle(eligible).slice(0, secondCount));

  return products.map((p, i) => {
    const barcodes = [nextBarcode(p.brand)];
    if (withSecond.has(i)) barcodes.push(nextBarcode(p.brand));
    return {
      sku: `SKU-${String(i + 1).padStart(6, '0')}`,
      barcodes,
      name: p.name,
      price: p.price,
      taxClass: p.taxClass,
      // Produce, meat, fish and deli are weighed or labelled in the store: a scale label may price them.
      ...(p.byLabel ? { priceByLabel: true } : {}),
    };
  });
}

function serialize(products) {
  return `{"products":[\n${products.map((p) => JSON.stringify(p)).join(',\n')}\n]}\n`;
}

// ---------------------------------------------------------------------------------------------

const json = serialize(buildCatalog());

if (process.argv.includes('--stdout')) {
  process.stdout.write(json);
} else {
  const file = new URL('../shared/demo/catalog.json', import.meta.url);
  mkdirSync(new URL('.', file), { recursive: true });
  writeFileSync(file, json);
  process.stderr.write(`wrote ${fileURLToPath(file)} (${PRODUCT_COUNT} products)\n`);
}
