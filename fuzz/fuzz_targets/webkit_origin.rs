#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| tracehound_fuzz::webkit_origin(data));
