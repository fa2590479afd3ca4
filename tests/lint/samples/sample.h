struct wh_error;
struct wh_error *wh_sample_read(int x);
