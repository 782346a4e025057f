from django.shortcuts import render


def submit(request):
    return render(request, "cases/submit.html")


def track(request):
    return render(request, "cases/track.html")
