//! A Rust reactor component: the wit-bindgen crate's `generate!` over
//! guests/components/wit (world flint:guests/guest), built as a cdylib for
//! wasm32-wasip2, which rustc links into a component directly.
use std::cell::Cell;

wit_bindgen::generate!({
    path: "../../wit",
    world: "guest",
});

use exports::flint::guests::api::{Color, Guest, GuestCounter, Point, Shape};

struct Component;

struct Counter {
    value: Cell<i64>,
}

impl GuestCounter for Counter {
    fn new(start: i64) -> Self {
        Counter { value: Cell::new(start) }
    }
    fn add(&self, n: i64) {
        self.value.set(self.value.get().wrapping_add(n));
    }
    fn get(&self) -> i64 {
        self.value.get()
    }
}

impl Guest for Component {
    type Counter = Counter;

    fn greet(name: String) -> String {
        format!("Hello, {name}!")
    }
    fn sum(values: Vec<i64>) -> i64 {
        values.iter().fold(0i64, |a, &b| a.wrapping_add(b))
    }
    fn reverse_words(words: Vec<String>) -> Vec<String> {
        words.iter().rev().map(|w| w.to_ascii_uppercase()).collect()
    }
    fn translate(p: Point, dx: i32, dy: i32) -> Point {
        Point { x: p.x + dx, y: p.y + dy }
    }
    fn area(s: Shape) -> u64 {
        match s {
            Shape::Circle(r) => 3 * u64::from(r) * u64::from(r),
            Shape::Rect(p) => (i64::from(p.x) * i64::from(p.y)).unsigned_abs(),
            Shape::Empty => 0,
        }
    }
    fn next_color(c: Color) -> Color {
        match c {
            Color::Red => Color::Green,
            Color::Green => Color::Blue,
            Color::Blue => Color::Red,
        }
    }
    fn parse_int(s: String) -> Result<i32, String> {
        let body = s.strip_prefix('-').unwrap_or(&s);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("not a number: {s}"));
        }
        s.parse().map_err(|_| format!("not a number: {s}"))
    }
    fn find(haystack: Vec<String>, needle: String) -> Option<u32> {
        haystack.iter().position(|h| *h == needle).map(|i| i as u32)
    }
}

export!(Component);
