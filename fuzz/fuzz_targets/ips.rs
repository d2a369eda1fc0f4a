#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| tracehound_fuzz::ips(data));
