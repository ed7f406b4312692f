//! The migrations are embedded in the binary (`db::MIGRATIONS`); without
//! this, cargo does not notice a new migration and keeps the old binary.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
