from django.urls import path

from nghedan.insight import views

app_name = "insight"
urlpatterns = [
    path("van-ban/", views.texts, name="texts"),
    path("van-ban/<int:pk>/", views.text, name="text"),
    path("van-ban/<int:pk>/nhan/", views.label_text, name="label_text"),
    path("nhap-van-ban/", views.import_texts, name="import"),
    path("lan-nhap/<int:pk>/", views.batch, name="batch"),
    path("nguon-tin/", views.feeds, name="feeds"),
    path("nguon-tin/<int:pk>/bat-tat/", views.feed_toggle, name="feed_toggle"),
    path("nguon-tin/<int:pk>/lay-tin/", views.feed_fetch, name="feed_fetch"),
]
